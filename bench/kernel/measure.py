"""Starts one consumer process and times it from its start until the group's committed offsets reach the end.

One line of JSON per run is appended to --record: the consumer, messages committed, seconds, messages per second.
With --max-seconds the consumer is stopped at that time and the rate is over what it committed by then.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from confluent_kafka import Consumer, TopicPartition

HERE = Path(__file__).resolve().parent


def consumer_command(
    kind: str, kernel_dir: Path, bootstrap: str, topic: str, group: str, profile: Path | None, commit_interval_ms: int
) -> tuple[list[str], dict[str, str], Path]:
    python = str(kernel_dir / ".venv" / "bin" / "python")
    if kind == "kernel":
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "KAFKA_TOPIC": topic,
            "KAFKA_CONSUMER_GROUP": group,
            "LOG_LEVEL": "WARNING",
            "COMMIT_INTERVAL_MS": str(commit_interval_ms),
        }
        profiler = ["-m", "cProfile", "-o", str(profile)] if profile else []
        return [python, *profiler, "main.py"], env, kernel_dir
    if kind == "bare":
        return [python, str(HERE / "bare_consumer.py"), bootstrap, topic, group, str(commit_interval_ms)], {}, HERE
    return [python, str(HERE / "seed_consumer.py"), bootstrap, topic, group], {}, HERE


def end_offsets(client: Consumer, topic: str) -> list[TopicPartition]:
    partitions = client.list_topics(topic, timeout=10).topics[topic].partitions
    return [TopicPartition(topic, p, client.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]) for p in sorted(partitions)]


def committed_total(reader: Consumer, partitions: list[TopicPartition]) -> int:
    committed = reader.committed([TopicPartition(tp.topic, tp.partition) for tp in partitions], timeout=10)
    return sum(max(tp.offset, 0) for tp in committed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("kernel", "bare", "seed"))
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--kernel-dir", type=Path, required=True)
    parser.add_argument("--record", type=Path, required=True)
    parser.add_argument("--max-seconds", type=float, default=0)
    parser.add_argument("--profile", type=Path, help="run the kernel under cProfile and write its stats here")
    # The end of a run is the first background commit after the last message, so the interval is the timing's resolution.
    parser.add_argument("--commit-interval-ms", type=int, default=1000, help="COMMIT_INTERVAL_MS of the kernel and the bare loop")
    args = parser.parse_args()

    group = f"bench-{args.kind}-{uuid.uuid4().hex[:8]}"
    # A client of the group that never subscribes: it only reads the end offsets and the group's committed offsets.
    reader = Consumer({"bootstrap.servers": args.bootstrap, "group.id": group, "enable.auto.commit": False})
    ends = end_offsets(reader, args.topic)
    total = sum(tp.offset for tp in ends)
    command, extra_env, cwd = consumer_command(args.kind, args.kernel_dir, args.bootstrap, args.topic, group, args.profile, args.commit_interval_ms)

    started = time.monotonic()
    child = subprocess.Popen(command, cwd=cwd, env={**os.environ, **extra_env})
    done = 0
    try:
        while True:
            time.sleep(0.05)
            if child.poll() is not None:
                sys.exit(f"{args.kind} consumer exited with code {child.returncode} before committing everything")
            done = committed_total(reader, ends)
            elapsed = time.monotonic() - started
            if done >= total or (args.max_seconds and elapsed >= args.max_seconds):
                break
    finally:
        # Committed offsets are what is measured; a graceful shutdown would only add its own time,
        # except under the profiler, which writes its stats on the way out.
        child.send_signal(signal.SIGTERM if args.profile else signal.SIGKILL)
        child.wait()
        reader.close()
    record = {"consumer": args.kind, "messages": done, "of": total, "seconds": round(elapsed, 3), "per_second": round(done / elapsed)}
    with args.record.open("a") as out:
        out.write(json.dumps(record) + "\n")
    print(json.dumps(record), file=sys.stderr)


if __name__ == "__main__":
    main()
