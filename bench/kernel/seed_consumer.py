"""The seed template's pattern: auto-commit off and a synchronous commit after every message."""

import sys

from confluent_kafka import Consumer

bootstrap, topic, group = sys.argv[1:4]
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest", "enable.auto.commit": False})
consumer.subscribe([topic])
while True:
    message = consumer.poll(1.0)
    if message is None or message.error():
        continue
    consumer.commit(message=message, asynchronous=False)
