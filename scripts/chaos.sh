#!/usr/bin/env bash
# npm run chaos: the long fault soak (test/faults/chaos.soak.ts), bounded in rounds and minutes
# (CHAOS_ROUNDS, default 60; CHAOS_MINUTES, default 12, for the provider-level part; then every
# real-engine trial). Writes bench/RELIABILITY.md. Traffic goes to loopback sandboxes only.
# FAULTS_SEED picks the seed; CHAOS_TRIALS='<part of a trial name>' runs only matching trials.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build >/dev/null
exec node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js \
  --rootDir . --roots '<rootDir>/test/faults' --testMatch '**/chaos.soak.ts' --runInBand "$@"
