#!/usr/bin/env bash
# Prints the command lines of the README's "Quick start" block (the first fenced block after
# that heading), one per line, so .ci/run runs exactly what users are told to run.
set -euo pipefail
readme=${1:-README.md}
awk '
  /^#+ .*[Qq]uick ?[Ss]tart/ { want = 1; next }
  want && /^```/ { if (inblock) exit; inblock = 1; next }
  inblock && NF && $1 !~ /^#/ { sub(/^\$ /, ""); print }
' "$readme"
