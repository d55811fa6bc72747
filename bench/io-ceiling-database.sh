#!/usr/bin/env bash
# The database kind at its ceiling: rows/s of the generated database kernel against a bare psycopg loop writing the same
# rows through the same pool size, side by side in one run, at each pool size of POOLS (the kernel's MAX_IN_FLIGHT
# follows its pool, as by default). Starts its own broker and PostgreSQL unless BOOTSTRAP and DATABASE_URL are set.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_built

MESSAGES="${MESSAGES:-20000}"
PARTITIONS=3
RUNS="${RUNS:-3}"
POOLS="${POOLS:-1 2 4 8 16}"
work=$(mktemp -d)
services=""
cleanup() {
  if [ -n "$services" ]; then kill "$services" 2>/dev/null || true; wait "$services" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${BOOTSTRAP:-}" ] || [ -z "${DATABASE_URL:-}" ]; then
  node "$BENCH_DIR/kernel/services.mjs" "$work/services.env" --postgres &
  services=$!
  until [ -s "$work/services.env" ]; do kill -0 "$services" || exit 1; sleep 0.5; done
  source "$work/services.env"
fi

node "$CLI_BIN" "$work/kernel" --kind database --yes --no-install --no-git >/dev/null
(cd "$work/kernel" && UV_PYTHON_DOWNLOADS="${UV_PYTHON_DOWNLOADS:-never}" uv sync --quiet)
python="$work/kernel/.venv/bin/python"
default_pool=$(cd "$work/kernel" && "$python" -c 'import store; print(store.DEFAULT_POOL_MAX)')

topic="bench-db-$RANDOM"
echo "bench: producing $MESSAGES messages over $PARTITIONS partitions to $topic, every key distinct" >&2
"$python" "$BENCH_DIR/kernel/produce.py" --bootstrap "$BOOTSTRAP" --topic "$topic" --messages "$MESSAGES" --partitions "$PARTITIONS" --distinct-keys

measure() {
  "$python" "$BENCH_DIR/kernel/db_measure.py" "$1" --bootstrap "$BOOTSTRAP" --topic "$topic" --database-url "$DATABASE_URL" \
    --kernel-dir "$work/kernel" --pool "$2" | tee -a "$work/runs.jsonl" >&2
}
for pool in $POOLS; do
  for ((i = 0; i < RUNS; i++)); do
    # The order rotates every run, so drift on a shared machine falls on all three alike.
    order=(kernel bare preread kernel bare)
    for consumer in "${order[@]:$((i % 3)):3}"; do measure "$consumer" "$pool"; done
  done
done

python3 - "$work/runs.jsonl" "$MESSAGES" "$default_pool" "$RUNS" >"$work/body.md" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
messages, default_pool, count = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
pools = sorted({r["pool"] for r in runs})
def median(consumer, pool, field):
    return statistics.median(r[field] for r in runs if r["consumer"] == consumer and r["pool"] == pool)
print(f"{messages:,} messages over 3 partitions, every key distinct, on the real broker and PostgreSQL (src/infra). The kernel")
print("is the generated `database` kind with `DATABASE_POOL_MAX` = pool (its `MAX_IN_FLIGHT` follows, as by default). The bare")
print("loop (bench/kernel/db_bare_loop.py) inserts the same rows with the kernel's statement, one thread per pooled connection,")
print("each holding its connection: nothing but psycopg between two rows. `bare` polls the topic as it inserts (it pays the")
print("broker and librdkafka as the kernel does, and commits nothing); `preread` reads the topic first, untimed: PostgreSQL alone.")
print("Rows/s for both is rows over the span of the table's `stored_at` (first row to last); the kernel also from its first row")
print("to its last commit (COMMIT_INTERVAL_MS=100) and from its spawn. CPU: the process's user + system seconds per 1,000")
print(f"rows from its first row on. Medians of {count} runs each, kernel, bare and preread in rotating order.")
print()
print("This machine has 2 cores, shared with other work while this ran (PostgreSQL, the broker, the kernel and that work all")
print("compete for them), so read ratios from one run, not absolute rates across runs.")
print()
kernel = median("kernel", default_pool, "rows_per_second")
ratio, preread = kernel / median("bare", default_pool, "rows_per_second"), kernel / median("preread", default_pool, "rows_per_second")
print(f"Target at the kind's default (pool {default_pool}): kernel ≥ 0.8× the bare loop. **Measured: {ratio:.2f}× (against `preread`: {preread:.2f}×).**")
print()
print("| pool = MAX_IN_FLIGHT | kernel rows/s | bare rows/s | kernel / bare | preread rows/s | kernel first row → last commit | kernel spawn → last commit | CPU s / 1,000: kernel | bare | preread |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for pool in pools:
    k, b = median("kernel", pool, "rows_per_second"), median("bare", pool, "rows_per_second")
    mark = " (default)" if pool == default_pool else ""
    print(f"| {pool}{mark} | {k:,.0f} | {b:,.0f} | {k / b:.2f} | {median('preread', pool, 'rows_per_second'):,.0f} "
          f"| {median('kernel', pool, 'first_row_to_last_commit_per_second'):,.0f} "
          f"| {median('kernel', pool, 'spawn_to_last_commit_per_second'):,.0f} | "
          + " | ".join(f"{median(c, pool, 'cpu_s_per_1000'):.3f}" for c in ("kernel", "bare", "preread")) + " |")
print()
PY
write_section io-ceiling-database "database: rows/s against a bare psycopg loop (bench/io-ceiling-database.sh)" "$work/body.md"
cat "$work/body.md"
