"""Helpers for the kernel benchmarks (bench/*.mjs), run with a generated kernel's own Python (it has confluent-kafka).

  produce BOOTSTRAP TOPIC COUNT KEYS      COUNT small JSON messages, keys user-0..KEYS-1 repeating
  bare                                    the reference: a bare poll loop storing each offset after its message
  noop KERNEL_DIR                         the kernel runtime with a process_message that does nothing
  sleep KERNEL_DIR SECONDS                the runtime with an `async def process_message` that only sleeps
  measure BOOTSTRAP TOPIC GROUP -- CMD..  runs CMD, reports its committed rate as one JSON line, stops it

The rate is taken between the first and the last commit the group makes, so start-up and the group join
are left out for every consumer alike; `spawn_rate` counts from the spawn instead. `cpu_s` is the consumer
process's CPU time between the first and the last commit.
"""

import json
import os
import signal
import subprocess
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition

SAMPLE_INTERVAL_S = 0.02
COMMIT_INTERVAL_MS = 100


def produce(bootstrap: str, topic: str, count: int, keys: int) -> None:
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "queue.buffering.max.messages": 1_000_000})
    for index in range(count):
        user = f"user-{index % keys}"
        producer.produce(topic, key=user.encode(), value=json.dumps({"seq": index, "user": user}).encode())
        if index % 10_000 == 0:
            producer.poll(0)
    producer.flush(60)


def bare() -> None:
    """Reads the same variables as a kernel, so measure() starts both alike."""
    consumer = Consumer(
        {
            "bootstrap.servers": os.environ["KAFKA_BOOTSTRAP_SERVERS"],
            "group.id": os.environ["KAFKA_CONSUMER_GROUP"],
            "auto.offset.reset": "earliest",
            "enable.auto.commit": True,
            "enable.auto.offset.store": False,
            "auto.commit.interval.ms": int(os.environ["COMMIT_INTERVAL_MS"]),
        }
    )
    consumer.subscribe([os.environ["KAFKA_TOPIC"]])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while True:
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            consumer.store_offsets(message)
    finally:
        consumer.close()


def noop(kernel_dir: str) -> None:
    sys.path.insert(0, kernel_dir)
    from kernel_runtime import run  # the runtime the kernel installed (or, before 0.3.0, carried in its directory)

    run("bench-noop", "bench-noop", lambda message: None)


def sleep(kernel_dir: str, seconds: float) -> None:
    import asyncio

    sys.path.insert(0, kernel_dir)
    from kernel_runtime import Message, run  # the runtime the kernel installed (or carried, before 0.3.0)

    async def process_message(message: Message) -> None:
        await asyncio.sleep(seconds)

    run("bench-sleep", "bench-sleep", process_message)


def cpu_seconds(pid: int) -> float:
    """utime + stime of a live process, from /proc (Linux)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(bootstrap: str, topic: str, group: str, command: list[str]) -> None:
    reader = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    metadata = reader.list_topics(topic, timeout=10).topics[topic]
    partitions = [TopicPartition(topic, p) for p in sorted(metadata.partitions)]
    total = sum(reader.get_watermark_offsets(tp, timeout=10)[1] for tp in partitions)
    env = {**os.environ, "COMMIT_INTERVAL_MS": str(COMMIT_INTERVAL_MS), "LOG_LEVEL": "WARNING"}
    spawned = time.monotonic()
    child = subprocess.Popen(command, env=env)
    first: tuple[float, int, float] | None = None
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and child.poll() is None:
            committed = sum(max(tp.offset, 0) for tp in reader.committed(partitions, timeout=10))
            now = time.monotonic()
            if first is None and committed > 0:
                first = (now, committed, cpu_seconds(child.pid))
            if committed >= total:
                cpu_s = cpu_seconds(child.pid) - first[2]
                break
            time.sleep(SAMPLE_INTERVAL_S)
        else:
            sys.exit(f"consumer stopped or timed out before committing {total} messages (exit {child.poll()})")
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(30)
        reader.close()
    assert first is not None
    seconds = now - first[0]
    messages = committed - first[1]
    result = {
        "messages": messages,
        "seconds": round(seconds, 3),
        "rate": messages / seconds,
        "spawn_rate": committed / (now - spawned),
        "cpu_s": round(cpu_s, 3),
    }
    print(json.dumps(result))


def main() -> None:
    command, args = sys.argv[1], sys.argv[2:]
    if command == "produce":
        produce(args[0], args[1], int(args[2]), int(args[3]))
    elif command == "bare":
        bare()
    elif command == "noop":
        noop(args[0])
    elif command == "sleep":
        sleep(args[0], float(args[1]))
    elif command == "measure":
        separator = args.index("--")
        measure(*args[:3], command=args[separator + 1 :])
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
