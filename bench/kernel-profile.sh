#!/usr/bin/env bash
# Where the kernel's per-message time goes: the no-op basic kernel under cProfile, consuming until committed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$BENCH_DIR/kernel/noop-kernel.sh"
ensure_built

MESSAGES="${MESSAGES:-200000}"
work=$(mktemp -d)
trap 'stop_services; rm -rf "$work"' EXIT
start_services "$work"
make_noop_kernel "$work/kernel"
python="$work/kernel/.venv/bin/python"
topic="bench-profile-$RANDOM"
"$python" "$BENCH_DIR/kernel/produce.py" --bootstrap "$BOOTSTRAP" --topic "$topic" --messages "$MESSAGES" --partitions 3
"$python" "$BENCH_DIR/kernel/measure.py" kernel --bootstrap "$BOOTSTRAP" --topic "$topic" --kernel-dir "$work/kernel" \
  --record "$work/runs.jsonl" --profile "$work/kernel.prof"

"$python" - "$work/kernel.prof" "$MESSAGES" >"$work/body.md" <<'PY'
import io, pstats, sys
path, messages = sys.argv[1], int(sys.argv[2])
stats = pstats.Stats(path)
print(f"The no-op basic kernel under cProfile over {messages:,} messages (cProfile slows Python code about 2×, so read shares, not")
print("absolute times). Functions by own time, microseconds per message:")
print()
print("| own µs/msg | cumulative µs/msg | calls/msg | function |")
print("| ---: | ---: | ---: | --- |")
rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:25]
for (file, line, name), (_cc, calls, own, cumulative, _callers) in rows:
    where = f"{file.split('/site-packages/')[-1].split('/kernel/')[-1]}:{line}" if line else file
    print(f"| {own * 1e6 / messages:.2f} | {cumulative * 1e6 / messages:.2f} | {calls / messages:.2f} | `{name}` {where} |")
print()
PY
write_section kernel-profile "Kernel: per-message profile (bench/kernel-profile.sh)" "$work/body.md"
cat "$work/body.md"
