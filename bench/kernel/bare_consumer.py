"""The ceiling: a bare confluent-kafka poll loop that stores each message's offset after it; librdkafka commits in the background."""

import sys

from confluent_kafka import Consumer

bootstrap, topic, group, commit_interval_ms = sys.argv[1:5]
consumer = Consumer(
    {
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": True,
        "enable.auto.offset.store": False,
        # The kernel's COMMIT_INTERVAL_MS in the same run, so both commit equally often.
        "auto.commit.interval.ms": int(commit_interval_ms),
    }
)
consumer.subscribe([topic])
while True:
    message = consumer.poll(1.0)
    if message is None or message.error():
        continue
    consumer.store_offsets(message)
