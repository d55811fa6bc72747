#!/usr/bin/env bash
# `create-clustera-kernel --help` against Node's own start-up (`node -e 0`), paired in one hyperfine run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_hyperfine
ensure_built

out=$(mktemp -d)
hyperfine --warmup 5 --runs "${RUNS:-30}" -N --export-json "$out/help.json" --export-markdown "$out/help.md" \
  -n "create-clustera-kernel --help" "node $CLI_BIN --help" \
  -n "node -e 0" "node -e 0"
ratio=$(ratio_of "$out/help.json")
cpu_ratio=$(cpu_ratio_of "$out/help.json")
{
  echo "Target: \`--help\` ≤ 1.5× \`node -e 0\` (medians). **Measured: ${ratio}× (median wall time); CPU time (user + system) ${cpu_ratio}×.**"
  echo
  cat "$out/help.md"
  echo
} >"$out/body.md"
write_section cli-help "CLI: --help vs node -e 0 (bench/cli-help.sh)" "$out/body.md"
echo "--help / node -e 0 = ${ratio}× wall, ${cpu_ratio}× CPU"
rm -rf "$out"
