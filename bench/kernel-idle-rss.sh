#!/usr/bin/env bash
# Resident memory of each kind of kernel once it is ready and idle on the real broker (target ≤ 60 MB).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$BENCH_DIR/kernel/noop-kernel.sh"
ensure_built

work=$(mktemp -d)
trap 'stop_services; rm -rf "$work"' EXIT
start_services "$work" --postgres

topic="bench-idle-$RANDOM"
: >"$work/rss.jsonl"
for kind in basic database http ai; do
  node "$CLI_BIN" "$work/$kind" --kind "$kind" --topic "$topic" --yes --no-install --no-git >/dev/null
  (cd "$work/$kind" && uv sync --quiet)
  if [ "$kind" = basic ]; then
    "$work/basic/.venv/bin/python" "$BENCH_DIR/kernel/produce.py" --bootstrap "$BOOTSTRAP" --topic "$topic" --messages 0 --partitions 3
    "$work/basic/.venv/bin/python" "$BENCH_DIR/kernel/produce.py" --bootstrap "$BOOTSTRAP" --topic "$topic.out" --messages 0 --partitions 1
  fi
  # Each kind's required settings; nothing is consumed, so the HTTP and model addresses are never called.
  env=$(python3 -c 'import json, sys; print(json.dumps(dict(arg.split("=", 1) for arg in sys.argv[1:])))' \
    "KAFKA_BOOTSTRAP_SERVERS=$BOOTSTRAP" "KAFKA_TOPIC=$topic" "DATABASE_URL=${DATABASE_URL:-}" \
    "API_BASE_URL=http://127.0.0.1:9" "OPENAI_API_KEY=bench" "OPENAI_BASE_URL=http://127.0.0.1:9/v1" "OUTPUT_TOPIC=$topic.out")
  "$work/$kind/.venv/bin/python" "$BENCH_DIR/kernel/idle_rss.py" "$kind" "$work/$kind" "$env" >>"$work/rss.jsonl"
done

python3 - "$work/rss.jsonl" >"$work/body.md" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print("Each kind generated with `--yes`, `uv sync`, started as `.venv/bin/python main.py` against the real broker")
print("(and PostgreSQL for `database`), read from /proc once `/readyz` answers 200 and 5 s have passed. Target: ≤ 60 MB.")
print()
print("| kind | idle RSS | peak RSS | target met |")
print("| --- | ---: | ---: | --- |")
for row in rows:
    mb = row["rss_kib"] * 1024 / 1e6
    print(f"| {row['kind']} | {mb:.1f} MB | {row['peak_kib'] * 1024 / 1e6:.1f} MB | {'yes' if mb <= 60 else 'no'} |")
print()
PY
write_section kernel-idle-rss "Kernel: idle RSS per kind (bench/kernel-idle-rss.sh)" "$work/body.md"
cat "$work/body.md"
