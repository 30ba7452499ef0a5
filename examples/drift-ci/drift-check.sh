#!/usr/bin/env bash
# Drift check of one stack, for CI: writes the Markdown report to $GITHUB_STEP_SUMMARY (or stdout)
# and exits like `phone-numbers drift-report`: 0 no drift, 7 drift, anything else an error.
#
#   drift-check.sh STACK [PROGRAM_DIR]
#
# PHONE_NUMBERS overrides the command (default: npx --no-install phone-numbers).
set -uo pipefail

stack="${1:?usage: drift-check.sh STACK [PROGRAM_DIR]}"
dir="${2:-.}"
summary="${GITHUB_STEP_SUMMARY:-/dev/stdout}"
read -r -a cli <<< "${PHONE_NUMBERS:-npx --no-install phone-numbers}"

report="$(mktemp)"
trap 'rm -f "$report"' EXIT

"${cli[@]}" drift-report --cwd "$dir" --stack "$stack" --markdown > "$report"
code=$?

cat "$report" >> "$summary"
case "$code" in
  0) echo "no drift in stack $stack" >&2 ;;
  7) echo "drift in stack $stack: see the job summary" >&2 ;;
  *) echo "drift check of stack $stack failed (exit code $code)" >&2 ;;
esac
exit "$code"
