#!/usr/bin/env bash
# `create-clustera-kernel --help` against Node's own start-up (`node -e 0`), paired in alternating hyperfine rounds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_hyperfine
ensure_built

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
paired_rounds "$out/help" "" "create-clustera-kernel --help" "node $CLI_BIN --help" "node -e 0" "node -e 0"
ratio=$(ratio_of "$out/help.json")
cpu_ratio=$(cpu_ratio_of "$out/help.json")
{
  echo "Target: \`--help\` ≤ 1.5× \`node -e 0\` (medians). **Measured: ${ratio}× (median wall time); CPU time (user + system) ${cpu_ratio}×.**"
  echo "${ROUNDS:-6} rounds of ${RUNS:-10} runs each, the order swapped every round; stdout goes to /dev/null."
  echo
  cat "$out/help.md"
  echo
} >"$out/body.md"
write_section cli-help "CLI: --help vs node -e 0 (bench/cli-help.sh)" "$out/body.md"
echo "--help / node -e 0 = ${ratio}× wall, ${cpu_ratio}× CPU"
