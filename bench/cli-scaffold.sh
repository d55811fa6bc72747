#!/usr/bin/env bash
# A non-interactive `basic` scaffold against create-vite's vanilla-ts scaffold, paired in alternating hyperfine rounds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_hyperfine
ensure_built

CREATE_VITE_VERSION="${CREATE_VITE_VERSION:-9.3.0}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A pinned create-vite, installed once into the temporary directory, run by path (no npx in the timing).
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "create-vite@$CREATE_VITE_VERSION" >/dev/null)
vite_bin="$work/node_modules/create-vite/index.js"
mkdir "$work/out"
# create-vite takes the target as a relative name, so both run inside the output directory.
cd "$work/out"

# `sync` after the removal: deleting the previous kernel leaves file-system work (journal, discards) that would
# otherwise land in the next timed run, and more of it after the command that writes more files.
paired_rounds "$work/scaffold" 'sh -c "rm -rf kernel vite && sync"' \
  "create-clustera-kernel --yes --no-install --no-git" "node $CLI_BIN kernel --kind basic --yes --no-install --no-git" \
  "create-vite $CREATE_VITE_VERSION --template vanilla-ts --no-interactive" "node $vite_bin vite --template vanilla-ts --no-interactive"
ratio=$(ratio_of "$work/scaffold.json")
cpu_ratio=$(cpu_ratio_of "$work/scaffold.json")
{
  echo "Target: scaffold ≤ 1.0× create-vite's (medians). **Measured: ${ratio}× (median wall time); CPU time (user + system) ${cpu_ratio}×.** Both write into an emptied directory before each run; stdout goes to /dev/null."
  echo "${ROUNDS:-6} rounds of ${RUNS:-10} runs each, the order swapped every round."
  echo
  cat "$work/scaffold.md"
  echo
} >"$work/body.md"
write_section cli-scaffold "CLI: scaffold vs create-vite (bench/cli-scaffold.sh)" "$work/body.md"
echo "scaffold / create-vite = ${ratio}× wall, ${cpu_ratio}× CPU"
