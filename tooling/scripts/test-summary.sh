#!/usr/bin/env bash
# Runs a test command, shows its output, and ends with the line CI reads:
# "N passed, N failed, N skipped". Keeps the command's exit code, and fails when a run that
# exited 0 executed no test at all.
set -uo pipefail
log=$(mktemp)
trap 'rm -f "$log"' EXIT
bash -c "$1" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
count() { grep -E "^ ?[0-9]+ $1\$" "$log" | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(count pass)
failed=$(count fail)
skipped=$(count skip)
if ((rc == 0 && passed == 0)); then
  echo "test-summary: the test command ran no test" >&2
  rc=1
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"
