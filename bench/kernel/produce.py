"""Creates a topic with N partitions and fills it with small JSON messages, spread evenly over the partitions."""

import argparse
import json

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--distinct-keys", action="store_true", help="every message its own key (default: 1,000 keys repeating)")
    args = parser.parse_args()

    admin = AdminClient({"bootstrap.servers": args.bootstrap})
    admin.create_topics([NewTopic(args.topic, args.partitions, 1)])[args.topic].result(timeout=30)

    producer = Producer({"bootstrap.servers": args.bootstrap, "linger.ms": 50, "batch.num.messages": 10000, "queue.buffering.max.messages": 500_000})
    for n in range(args.messages):
        value = json.dumps({"n": n, "event": "bench"}).encode()
        while True:
            try:
                producer.produce(args.topic, value=value, key=str(n if args.distinct_keys else n % 1000).encode(), partition=n % args.partitions)
                break
            except BufferError:
                producer.poll(0.05)
        if n % 10000 == 0:
            producer.poll(0)
    if producer.flush(60) != 0:
        raise SystemExit("not every message was acknowledged")


if __name__ == "__main__":
    main()
