#!/usr/bin/env bash
# What validation costs: the basic kernel with a no-op process_message at MAX_IN_FLIGHT=1, with a 10-field JSON Schema
# (every value decoded and validated into its pydantic model) and without one, on the same topic, in one hyperfine run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$BENCH_DIR/kernel/noop-kernel.sh"
ensure_hyperfine
ensure_built

MESSAGES="${MESSAGES:-1000000}"
COMMIT_INTERVAL_MS="${COMMIT_INTERVAL_MS:-100}"
SCHEMA="$BENCH_DIR/kernel/reading.schema.json"
work=$(mktemp -d)
cleanup() { stop_services; rm -rf "$work"; }
trap cleanup EXIT
start_services "$work"

make_noop_kernel "$work/untyped"
node "$CLI_BIN" "$work/typed" --kind basic --yes --no-install --no-git --schema "$SCHEMA" >/dev/null
python3 - "$work/typed/main.py" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
noop = 'def process_message(message: Message[Payload]) -> bool:  # noqa: F811\n    return True\n\n\n'
open(path, "w").write(text.replace('if __name__ == "__main__":', noop + 'if __name__ == "__main__":'))
PY
(cd "$work/typed" && uv sync --quiet)
python="$work/typed/.venv/bin/python"

topic="bench-schema-$RANDOM"
echo "bench: producing $MESSAGES 10-field readings to $topic" >&2
"$python" - "$BOOTSTRAP" "$topic" "$MESSAGES" <<'PY'
import json, sys, uuid
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
admin = AdminClient({"bootstrap.servers": bootstrap})  # kept referenced until the topic exists
admin.create_topics([NewTopic(topic, 3, 1)])[topic].result(timeout=30)
producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 50, "queue.buffering.max.messages": 500_000})
for n in range(count):
    value = json.dumps({
        "id": str(uuid.UUID(int=n)), "device": f"sensor-{n % 50}", "taken_at": "2026-12-03T10:00:00Z",
        "kind": "temperature", "value": 20.5 + n % 10, "unit": "C", "sequence": n, "battery": 87.5,
        "site": {"name": "plant-1", "floor": 2}, "tags": ["a", "b"],
    }).encode()
    while True:
        try:
            producer.produce(topic, value=value, key=str(n % 1000).encode(), partition=n % 3)
            break
        except BufferError:
            producer.poll(0.05)
if producer.flush(60) != 0:
    raise SystemExit("not every message was acknowledged")
PY

measure() { echo "$python $BENCH_DIR/kernel/measure.py kernel --bootstrap $BOOTSTRAP --topic $topic --kernel-dir $work/$1 --record $work/$1.jsonl --commit-interval-ms $COMMIT_INTERVAL_MS"; }
hyperfine --runs "${RUNS:-3}" -N \
  -n "basic kernel with the 10-field schema (MAX_IN_FLIGHT=1)" "$(measure typed)" \
  -n "basic kernel without a schema (MAX_IN_FLIGHT=1)" "$(measure untyped)"

python3 - "$work" "$MESSAGES" >"$work/body.md" <<'PY'
import json, statistics, sys
work, messages = sys.argv[1], int(sys.argv[2])
runs = {name: [json.loads(line) for line in open(f"{work}/{name}.jsonl")] for name in ("typed", "untyped")}
rate = {name: statistics.median(r["per_second"] for r in rs) for name, rs in runs.items()}
print(f"{messages:,} JSON values of 10 fields (bench/kernel/reading.schema.json: uuid, date-time, enum, bounds, a nested")
print("object, an array) over 3 partitions on the real broker; each run a fresh group, timed from process start until the")
print("committed offsets reach the end (bench/kernel/measure.py). Both kernels are the generated basic kernel with")
print("process_message rebound to `return True`, one message at a time (MAX_IN_FLIGHT=1); the typed one decodes and")
print("validates every value into its generated pydantic model first. Runs alternate in one hyperfine run on a shared")
print("2-core machine.")
print()
print(f"Target: typed ≥ 0.7× untyped. **Measured: {rate['typed'] / rate['untyped']:.2f}×.**")
print()
print("| kernel | median messages/s | runs (messages committed in seconds) |")
print("| --- | ---: | --- |")
for name in ("typed", "untyped"):
    detail = ", ".join(f"{r['messages']:,} in {r['seconds']} s" for r in runs[name])
    print(f"| {name} | {rate[name]:,.0f} | {detail} |")
print()
PY
write_section kernel-schema "Kernel: throughput with a 10-field schema vs without (bench/kernel-schema-throughput.sh)" "$work/body.md"
cat "$work/body.md"
