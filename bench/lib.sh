# Shared by the bench scripts: hyperfine on demand and one section per figure in RESULTS.md.
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"
RESULTS="${BENCH_RESULTS:-$BENCH_DIR/RESULTS.md}"
CLI_BIN="$REPO_ROOT/bin/create-clustera-kernel.js"

# Settings that make every Node process do extra start-up work (NODE_EXTRA_CA_CERTS parses a CA bundle, about 75 ms
# on some machines) add the same constant to both sides of a comparison and hide the difference being measured.
unset NODE_OPTIONS NODE_EXTRA_CA_CERTS

ensure_hyperfine() {
  command -v hyperfine >/dev/null 2>&1 && return
  echo "bench: installing hyperfine from Debian" >&2
  # Root on CI and the dev machines; sudo elsewhere.
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo apt-get install -y -qq hyperfine >/dev/null
}

ensure_built() {
  [ -f "$REPO_ROOT/dist/cli.js" ] || (cd "$REPO_ROOT" && npm run --silent build)
}

machine_line() {
  local cpu; cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
  printf '%s, %s cores, %s MiB RAM, load average %s, Node %s' \
    "${cpu:-unknown CPU}" "$(nproc)" "$(free -m | awk '/^Mem:/ {print $2}')" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$(node --version)"
}

# write_section ID TITLE BODY_FILE: replaces the section between this figure's markers, or appends it.
write_section() {
  local id="$1" title="$2" body="$3" tmp
  [ -f "$RESULTS" ] || printf '# Benchmark results\n\nEach section is rewritten by the script named in it. See the README for how to run them.\n' >"$RESULTS"
  tmp=$(mktemp)
  {
    echo "<!-- bench:$id:start -->"
    echo "## $title"
    echo
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(machine_line)."
    echo
    cat "$body"
    echo "<!-- bench:$id:end -->"
  } >"$tmp"
  python3 - "$RESULTS" "$id" "$tmp" <<'PY'
import re, sys
path, ident, section_file = sys.argv[1:]
text = open(path).read()
section = open(section_file).read()
pattern = re.compile(rf"<!-- bench:{re.escape(ident)}:start -->.*?<!-- bench:{re.escape(ident)}:end -->\n", re.S)
text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
  rm -f "$tmp"
}

# ratio_of EXPORT_JSON: first command over second in a two-command hyperfine export: median wall time.
ratio_of() {
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(f"{r[0]['median'] / r[1]['median']:.2f}")
PY
}

# cpu_ratio_of EXPORT_JSON: the same for mean CPU time (user + system), steadier than wall time on a busy machine.
cpu_ratio_of() {
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
cpu = [x["user"] + x["system"] for x in r]
print(f"{cpu[0] / cpu[1]:.2f}")
PY
}

# paired_rounds PREFIX PREPARE NAME1 CMD1 NAME2 CMD2: ROUNDS hyperfine runs of RUNS each (-N, after a warm-up), the
# order swapped every round so that slow drift on a shared machine falls on both commands alike. Writes PREFIX.json
# (the two commands in the order given, in hyperfine's shape, for ratio_of) and PREFIX.md (the table).
paired_rounds() {
  local prefix="$1" prepare="$2" name1="$3" cmd1="$4" name2="$5" cmd2="$6" rounds="${ROUNDS:-6}" i
  local prep=()
  [ -n "$prepare" ] && prep=(--prepare "$prepare")
  for ((i = 0; i < rounds; i++)); do
    local order=(-n "$name1" "$cmd1" -n "$name2" "$cmd2")
    ((i % 2 == 1)) && order=(-n "$name2" "$cmd2" -n "$name1" "$cmd1")
    hyperfine -N --warmup 3 --runs "${RUNS:-10}" "${prep[@]}" --style none --export-json "$prefix.round$i.json" "${order[@]}" >/dev/null
  done
  python3 - "$prefix" "$rounds" "$name1" "$name2" <<'PY'
import json, statistics, sys
prefix, rounds, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
merged = {name: {"times": [], "user": [], "system": []} for name in names}
for i in range(rounds):
    for r in json.load(open(f"{prefix}.round{i}.json"))["results"]:
        m = merged[r["command"]]
        m["times"] += r["times"]
        m["user"].append(r["user"])
        m["system"].append(r["system"])
results = []
for name in names:
    t = merged[name]["times"]
    results.append({"command": name, "times": t, "median": statistics.median(t), "mean": statistics.mean(t),
                    "stddev": statistics.stdev(t), "min": min(t), "max": max(t),
                    "user": statistics.mean(merged[name]["user"]), "system": statistics.mean(merged[name]["system"])})
json.dump({"results": results}, open(f"{prefix}.json", "w"))
base = results[1]["median"]
ms = lambda s: f"{s * 1000:.1f}"
rows = ["| Command | Median [ms] | Mean ± σ [ms] | Min [ms] | Max [ms] | User [ms] | System [ms] | Relative (median) |",
        "|:---|---:|---:|---:|---:|---:|---:|---:|"]
for r in results:
    rows.append(f"| `{r['command']}` | {ms(r['median'])} | {ms(r['mean'])} ± {ms(r['stddev'])} | {ms(r['min'])} | {ms(r['max'])} "
                f"| {ms(r['user'])} | {ms(r['system'])} | {r['median'] / base:.2f} |")
open(f"{prefix}.md", "w").write("\n".join(rows) + "\n")
PY
}
