# Shared by the bench scripts: hyperfine on demand and one section per figure in RESULTS.md.
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$BENCH_DIR/.." && pwd)"
RESULTS="${BENCH_RESULTS:-$BENCH_DIR/RESULTS.md}"
CLI_BIN="$REPO_ROOT/bin/create-clustera-kernel.js"

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
