"""Median time of a synchronous offset commit (the seed's per-message cost), in milliseconds."""

import statistics
import sys
import time

from confluent_kafka import Consumer, TopicPartition

bootstrap, topic, group, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
consumer.assign([TopicPartition(topic, 0, 0)])
consumer.commit(offsets=[TopicPartition(topic, 0, 0)], asynchronous=False)  # finds the coordinator first
times = []
for offset in range(1, count + 1):
    started = time.perf_counter()
    consumer.commit(offsets=[TopicPartition(topic, 0, offset)], asynchronous=False)
    times.append((time.perf_counter() - started) * 1000)
consumer.close()
print(f"{statistics.median(times):.3f}")
