"""Runs the database kernel or the bare psycopg loop once into a fresh table and prints one JSON line of its figures.

  db_measure.py kernel|bare|preread --bootstrap B --topic T --database-url U --kernel-dir D --pool N [--max-in-flight M]

Both are timed alike, by the table itself: rows over the span of their stored_at (now() of each autocommitted
INSERT), i.e. from the first row written to the last. The kernel also gets its first row to its last commit (what
a consumer of the topic sees) and its spawn to its last commit. CPU is the process's user + system time from
/proc, taken from the sample nearest its first row to the end, so start-up is left out of the per-1,000 figure;
the bare loop reports its own, from its first insert to its last.
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

import psycopg
from confluent_kafka import Consumer, TopicPartition

HERE = Path(__file__).resolve().parent
SAMPLE_S = 0.02
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def committed_total(reader: Consumer, partitions: list[TopicPartition]) -> int:
    return sum(max(tp.offset, 0) for tp in reader.committed(partitions, timeout=10))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=("kernel", "bare", "preread"), help="bare and preread: db_bare_loop.py stream and preread")
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--kernel-dir", type=Path, required=True)
    parser.add_argument("--pool", type=int, required=True, help="DATABASE_POOL_MAX of the kernel, threads and pool of the bare loop")
    parser.add_argument("--max-in-flight", type=int, help="MAX_IN_FLIGHT of the kernel; unset: the kind's default")
    args = parser.parse_args()

    run_id = uuid.uuid4().hex[:8]
    table, group = f"bench_{run_id}", f"bench-db-{run_id}"
    reader = Consumer({"bootstrap.servers": args.bootstrap, "group.id": group, "enable.auto.commit": False})
    metadata = reader.list_topics(args.topic, timeout=10).topics[args.topic]
    partitions = [TopicPartition(args.topic, p) for p in sorted(metadata.partitions)]
    total = sum(reader.get_watermark_offsets(tp, timeout=10)[1] for tp in partitions)

    python = str(args.kernel_dir / ".venv" / "bin" / "python")
    if args.kind == "kernel":
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": args.bootstrap,
            "KAFKA_TOPIC": args.topic,
            "KAFKA_CONSUMER_GROUP": group,
            "DATABASE_URL": args.database_url,
            "DATABASE_TABLE": table,
            "DATABASE_POOL_MAX": str(args.pool),
            "LOG_LEVEL": "WARNING",
            # A run ends at the first commit after the last row: the interval is the resolution of the commit timing.
            "COMMIT_INTERVAL_MS": "100",
        }
        if args.max_in_flight:
            env["MAX_IN_FLIGHT"] = str(args.max_in_flight)
        command = [python, "main.py"]
    else:
        env = {}
        mode = "stream" if args.kind == "bare" else "preread"
        command = [python, str(HERE / "db_bare_loop.py"), mode, args.bootstrap, args.topic, args.database_url, table, str(args.pool)]

    spawned = time.time()
    child = subprocess.Popen(command, cwd=args.kernel_dir, env={**os.environ, **env}, stdout=None if args.kind == "kernel" else subprocess.PIPE, text=True)
    bare_cpu: list[float] = []
    if child.stdout is not None:
        word, cpu = child.stdout.readline().split()
        if word != "ready":
            sys.exit("the bare loop did not get ready")
        bare_cpu.append(float(cpu))
    samples: list[tuple[float, float]] = []
    try:
        while True:
            time.sleep(SAMPLE_S)
            now = time.time()
            if child.poll() is not None:
                if args.kind != "kernel" and child.returncode == 0 and child.stdout is not None:
                    bare_cpu.append(float(child.stdout.readline().split()[1]))
                    break
                sys.exit(f"{args.kind} exited with code {child.returncode} before it was done")
            samples.append((now, cpu_seconds(child.pid)))
            if args.kind == "kernel" and committed_total(reader, partitions) >= total:
                break
        ended = time.time()
        if args.kind == "kernel":
            samples.append((ended, cpu_seconds(child.pid)))
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        child.wait()
        reader.close()

    with psycopg.connect(args.database_url, autocommit=True) as connection:
        rows, first, last = connection.execute(
            f"SELECT count(*), extract(epoch FROM min(stored_at)), extract(epoch FROM max(stored_at)) FROM {table}"
        ).fetchone()
        connection.execute(f"DROP TABLE {table}")
    first, last = float(first), float(last)
    if args.kind != "kernel":
        ended = last
    if bare_cpu:
        start_cpu, end_cpu = bare_cpu
    else:
        start_cpu = min(samples, key=lambda sample: abs(sample[0] - first))[1]
        end_cpu = samples[-1][1]
    record = {
        "consumer": args.kind,
        "pool": args.pool,
        "max_in_flight": args.max_in_flight or args.pool,
        "rows": rows,
        "of": total,
        "rows_per_second": round(rows / (last - first)),
        "first_row_to_last_commit_per_second": round(rows / (ended - first)),
        "spawn_to_last_commit_per_second": round(rows / (ended - spawned)) if args.kind == "kernel" else None,
        "cpu_s_per_1000": round((end_cpu - start_cpu) / rows * 1000, 3),
        "cpu_s_total": round(end_cpu, 2),
    }
    print(json.dumps(record))


if __name__ == "__main__":
    main()
