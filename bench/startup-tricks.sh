#!/usr/bin/env bash
# What each start-up trick still wins on its own: the normal build against a copy of the tree with only that trick
# turned off, side by side in alternating hyperfine rounds, on cold `--help` and full scaffolds. The variants are
# built in a temporary directory from an edited copy of this tree; nothing here changes the repository.
# TRICKS="name …" measures a subset; see variant_edits for the names. Tricks removed since were measured by this
# script as of 3b86e4a (its no-wasm-sha and no-sha-tricks variants).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_hyperfine

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# replace FILE OLD NEW: exactly one occurrence, or the variant no longer matches the code and the script stops.
replace() {
  python3 - "$@" <<'PY'
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
if text.count(old) != 1:
    sys.exit(f"startup-tricks: {path} no longer holds exactly one {old!r}; update this script's variant")
open(path, "w").write(text.replace(old, new))
PY
}

# variant_edits NAME DIR: turns off one trick in the copy at DIR.
variant_edits() {
  local dir="$2"
  case "$1" in
    no-fast-bundle)
      # The launcher goes straight to the ESM bundle: help from commander, create from cli.js and its chunks.
      replace "$dir/bin/create-clustera-kernel.js" \
        "require('../dist/fast.cjs')
  .fastMain(process.argv)
  .then(async (code) => code ?? (await import('../dist/cli.js')).main(process.argv))" \
        "import('../dist/cli.js')
  .then(({ main }) => main(process.argv))"
      ;;
    no-codegen)
      # The build still hashes the copied files, but compiles no template: each is compiled by Handlebars at run time.
      replace "$dir/scripts/precompile-templates.mjs" \
        "module: \`\${RENDER_RUNTIME}\\nexports.templates = {\\n\${templates.join('\\n')}\\n};" \
        "module: \`exports.templates = {};"
      ;;
    *) echo "startup-tricks: unknown trick $1" >&2; exit 2 ;;
  esac
}

# What each variant turns off, for the section in RESULTS.md.
trick_summary() {
  case "$1" in
    no-fast-bundle) echo "the launcher imports dist/cli.js: no dist/fast.cjs, so help comes from commander and create from the ESM bundle" ;;
    no-codegen) echo "dist/precompiled/ holds no compiled template: Handlebars compiles each template at run time" ;;
  esac
}

# build_copy NAME [TRICK]: this tree (without dist, .git, node_modules) copied to $work/NAME, edited, built.
build_copy() {
  local dir="$work/$1"
  mkdir -p "$dir"
  (cd "$REPO_ROOT" && tar --exclude=./node_modules --exclude=./dist --exclude=./.git -cf - .) | tar -xf - -C "$dir"
  ln -s "$REPO_ROOT/node_modules" "$dir/node_modules"
  [ -n "${2:-}" ] && variant_edits "$2" "$dir"
  (cd "$dir" && node scripts/build.mjs)
}

ROUNDS="${ROUNDS:-10}"
TRICKS="${TRICKS:-no-fast-bundle no-codegen}"
build_copy normal
for trick in $TRICKS; do build_copy "$trick" "$trick"; done

mkdir "$work/out"
cd "$work/out"
# Each variant must write the same kernel, byte for byte, and print the same help.
for trick in $TRICKS; do
  for kind in basic ai; do
    for build in normal "$trick"; do
      mkdir "$build" && (cd "$build" && node "$work/$build/bin/create-clustera-kernel.js" kernel --kind "$kind" --yes --no-install --no-git >/dev/null)
    done
    diff -r normal/kernel "$trick/kernel" || { echo "startup-tricks: $trick writes another $kind kernel" >&2; exit 1; }
    rm -rf normal "$trick"
  done
  cmp -s <(node "$work/normal/bin/create-clustera-kernel.js" --help) <(node "$work/$trick/bin/create-clustera-kernel.js" --help) ||
    { echo "startup-tricks: $trick prints another help" >&2; exit 1; }
done
summaries=()
for trick in $TRICKS; do
  paired_rounds "$work/$trick-help" "" \
    "normal --help" "node $work/normal/bin/create-clustera-kernel.js --help" \
    "$trick --help" "node $work/$trick/bin/create-clustera-kernel.js --help"
  for kind in basic ai; do
    paired_rounds "$work/$trick-$kind" 'sh -c "rm -rf kernel && sync"' \
      "normal scaffold $kind" "node $work/normal/bin/create-clustera-kernel.js kernel --kind $kind --yes --no-install --no-git" \
      "$trick scaffold $kind" "node $work/$trick/bin/create-clustera-kernel.js kernel --kind $kind --yes --no-install --no-git"
  done
  summaries+=("$trick")
done

# Per trick and command: each side's mean ± σ, the difference of the means (variant − normal) ± its standard error,
# the difference of the medians, the range of the per-round differences of the means, and the difference in CPU time
# (user + system).
python3 - "$work" "${ROUNDS:-6}" "${summaries[@]}" >"$work/body.md" <<'PY'
import json, math, statistics, sys
work, rounds, tricks = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
ms = lambda s: s * 1000
print("| trick turned off | command | normal mean ± σ [ms] | variant mean ± σ [ms] | variant − normal: means [ms] | medians [ms] | per-round differences [ms] | CPU difference [ms] |")
print("|:---|:---|---:|---:|---:|---:|---:|---:|")
for trick in tricks:
    for command, label in (("help", "`--help`"), ("basic", "scaffold `basic`"), ("ai", "scaffold `ai`")):
        prefix = f"{work}/{trick}-{command}"
        normal, variant = json.load(open(f"{prefix}.json"))["results"]
        n, v = normal["times"], variant["times"]
        diff = statistics.mean(v) - statistics.mean(n)
        se = math.sqrt(statistics.variance(v) / len(v) + statistics.variance(n) / len(n))
        per_round = []
        for i in range(rounds):
            by_name = {r["command"]: r for r in json.load(open(f"{prefix}.round{i}.json"))["results"]}
            per_round.append(by_name[variant["command"]]["mean"] - by_name[normal["command"]]["mean"])
        cpu = (variant["user"] + variant["system"]) - (normal["user"] + normal["system"])
        print(f"| {trick} | {label} | {ms(statistics.mean(n)):.1f} ± {ms(statistics.stdev(n)):.1f} "
              f"| {ms(statistics.mean(v)):.1f} ± {ms(statistics.stdev(v)):.1f} | **{ms(diff):+.1f} ± {ms(se):.1f}** "
              f"| {ms(statistics.median(v) - statistics.median(n)):+.1f} | {ms(min(per_round)):+.1f} … {ms(max(per_round)):+.1f} | {ms(cpu):+.1f} |")
PY
{
  echo "Each trick turned off alone in a copy of the tree, built, and run against the normal build: ${ROUNDS:-6} rounds"
  echo "of ${RUNS:-10} runs each per command, the order swapped every round; the scaffolds write \`kernel --yes --no-install"
  echo "--no-git\` into an emptied directory (\`rm -rf kernel && sync\` before each run). Differences are variant − normal:"
  echo "of the means (± its standard error), of the medians, of each round's means (lowest … highest) and of the mean CPU"
  echo "time (user + system); a positive difference is what the trick wins. Each variant, beside the normal build:"
  echo
  for trick in $TRICKS; do echo "- \`$trick\`: $(trick_summary "$trick")"; done
  echo
  cat "$work/body.md"
  echo
} >"$work/section.md"
cat "$work/section.md"
[ -n "${NO_WRITE:-}" ] || write_section startup-tricks "CLI: what each start-up trick wins (bench/startup-tricks.sh)" "$work/section.md"
