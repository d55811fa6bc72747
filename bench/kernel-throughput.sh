#!/usr/bin/env bash
# Messages consumed and committed per second on the real broker: the generated basic kernel with a no-op
# process_message, a bare confluent-kafka loop (the ceiling) and the seed's commit-per-message loop, in one hyperfine run.
# RTT_MS=N puts a proxy adding N ms per round trip between every client and the broker, as a network would.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_hyperfine
ensure_built

MESSAGES="${MESSAGES:-1000000}"
PARTITIONS=3
SEED_SECONDS="${SEED_SECONDS:-60}"
RTT_MS="${RTT_MS:-}"
# A run ends at the first background commit after its last message: the kernel's default of 1000 ms would make that a
# one-second step in an eight-second run. Both the kernel and the bare loop get the same, shorter interval.
COMMIT_INTERVAL_MS="${COMMIT_INTERVAL_MS:-100}"
work=$(mktemp -d)
services=""
cleanup() {
  if [ -n "$services" ]; then kill "$services" 2>/dev/null || true; wait "$services" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

node "$BENCH_DIR/kernel/services.mjs" "$work/services.env" ${RTT_MS:+--rtt-ms "$RTT_MS"} &
services=$!
until [ -s "$work/services.env" ]; do kill -0 "$services" || exit 1; sleep 0.5; done
source "$work/services.env"

# The generated kernel, with process_message rebound to a no-op just before the runtime starts.
node "$CLI_BIN" "$work/kernel" --kind basic --yes --no-install --no-git >/dev/null
python3 - "$work/kernel/main.py" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
noop = 'def process_message(message: Message) -> bool:  # noqa: F811\n    return True\n\n\n'
open(path, "w").write(text.replace('if __name__ == "__main__":', noop + 'if __name__ == "__main__":'))
PY
(cd "$work/kernel" && uv sync --quiet)
python="$work/kernel/.venv/bin/python"

topic="bench-throughput-$RANDOM"
echo "bench: producing $MESSAGES messages over $PARTITIONS partitions to $topic" >&2
"$python" "$BENCH_DIR/kernel/produce.py" --bootstrap "$BOOTSTRAP" --topic "$topic" --messages "$MESSAGES" --partitions "$PARTITIONS"

measure="$python $BENCH_DIR/kernel/measure.py --bootstrap $BOOTSTRAP --topic $topic --kernel-dir $work/kernel --record $work/runs.jsonl --commit-interval-ms $COMMIT_INTERVAL_MS"
hyperfine --runs "${RUNS:-3}" -N --export-markdown "$work/hyperfine.md" \
  -n "basic kernel, process_message returns True" "$measure kernel" \
  -n "bare confluent-kafka loop, offsets stored per message" "$measure bare" \
  -n "seed pattern, synchronous commit per message (stopped at ${SEED_SECONDS} s)" "$measure seed --max-seconds $SEED_SECONDS"

python3 - "$work/runs.jsonl" "$MESSAGES" "$SEED_SECONDS" "$RTT_MS" "$COMMIT_INTERVAL_MS" >"$work/body.md" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
messages, seed_seconds, rtt_ms, commit_interval_ms = sys.argv[2:6]
rate = {kind: statistics.median(r["per_second"] for r in runs if r["consumer"] == kind) for kind in ("kernel", "bare", "seed")}
print(f"{int(messages):,} messages over 3 partitions on the real broker (src/infra), each consumer in a fresh group, timed from")
print("its process start until the group's committed offsets reach the end offsets (bench/kernel/measure.py).")
print(f"The seed pattern is stopped after {seed_seconds} s; its rate is what it had committed by then over that time (start-up included).")
print(f"The kernel and the bare loop both commit every {commit_interval_ms} ms (COMMIT_INTERVAL_MS): a run ends at the first commit after")
print("its last message, so the interval is the resolution of these timings.")
if rtt_ms:
    print()
    print(f"Every client reached the broker through bench/kernel/latency-proxy.mjs, told to hold each chunk {float(rtt_ms) / 2:g} ms in each")
    print(f"direction (RTT_MS={rtt_ms}); Node's timers hold a little longer, so the seed's time per message below is what counts.")
    print("The proxy adds latency only: a real cluster also replicates each offset commit before answering.")
print()
print(f"The seed pattern spends {1000 / rate['seed']:.3f} ms per message (the inverse of its rate), nearly all of it waiting for its commit.")
print()
print(f"Targets: kernel ≥ 0.8× bare loop, ≥ 100× seed pattern. **Measured: {rate['kernel'] / rate['bare']:.2f}× bare, {rate['kernel'] / rate['seed']:.0f}× seed.**")
print(f"The bare loop itself, the ceiling, is {rate['bare'] / rate['seed']:.0f}× the seed pattern here: the seed ratio can only pass that")
print("by consuming faster than the ceiling, so it is bounded by how cheap a synchronous commit is on this broker.")
print()
print("| consumer | median messages/s | runs (messages committed in seconds) |")
print("| --- | ---: | --- |")
for kind in ("kernel", "bare", "seed"):
    detail = ", ".join(f"{r['messages']:,} in {r['seconds']} s" for r in runs if r["consumer"] == kind)
    print(f"| {kind} | {rate[kind]:,.0f} | {detail} |")
print()
PY
cat "$work/hyperfine.md" >>"$work/body.md"
echo >>"$work/body.md"
if [ -n "$RTT_MS" ]; then
  write_section kernel-throughput-rtt "Kernel: throughput vs bare loop vs seed pattern, ${RTT_MS} ms round trip (RTT_MS=${RTT_MS} bench/kernel-throughput.sh)" "$work/body.md"
else
  write_section kernel-throughput "Kernel: throughput vs bare loop vs seed pattern (bench/kernel-throughput.sh)" "$work/body.md"
fi
cat "$work/body.md"
