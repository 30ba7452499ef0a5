#!/usr/bin/env bash
# Drift check of one or many stacks, for CI: writes the Markdown report to $GITHUB_STEP_SUMMARY (or
# stdout) and exits like `phone-numbers drift-report` (see its --help): 0 nothing to do, 6 an account
# not checked, 7 drift or pending changes, 8 a number managed by two stacks, 9 more releases than
# --max-releases, anything else an error.
#
#   drift-check.sh [drift-report options]     e.g.
#   drift-check.sh --cwd teams/support --stack prod --stack staging --cwd teams/sales --all-stacks
#
# PHONE_NUMBERS overrides the command (default: npx --no-install phone-numbers).
set -uo pipefail

[ "$#" -gt 0 ] || { echo "usage: drift-check.sh [--cwd DIR] --stack NAME... [drift-report options]" >&2; exit 2; }
summary="${GITHUB_STEP_SUMMARY:-/dev/stdout}"
read -r -a cli <<< "${PHONE_NUMBERS:-npx --no-install phone-numbers}"

report="$(mktemp)"
trap 'rm -f "$report"' EXIT

"${cli[@]}" drift-report --markdown "$@" > "$report"
code=$?

cat "$report" >> "$summary"
case "$code" in
  0) echo "no drift" >&2 ;;
  6) echo "a vendor account was not checked (credentials missing or incomplete): see the job summary" >&2 ;;
  7) echo "drift: see the job summary" >&2 ;;
  8) echo "a number is managed by more than one stack: see the job summary" >&2 ;;
  9) echo "the change releases more numbers than allowed: see the job summary" >&2 ;;
  *) echo "drift check failed (exit code $code)" >&2 ;;
esac
exit "$code"
