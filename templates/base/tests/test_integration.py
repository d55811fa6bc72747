"""End to end against a real broker: messages produced to a fresh topic are processed and committed."""

import json
import os
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

import main
from kernel_runtime import EXIT_OK, Message, Settings, Shutdown, load_settings, security_config, serve

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("KAFKA_BOOTSTRAP_SERVERS"),
        reason="set KAFKA_BOOTSTRAP_SERVERS to run against a Kafka broker",
    ),
]

MESSAGES = 5
TIMEOUT_S = 60


@pytest.fixture
def isolated_settings() -> Iterator[Settings]:
    """Settings for a topic and group of this test only, with the broker and certificates from the environment."""
    run_id = uuid.uuid4().hex[:8]
    topic = f"{main.DEFAULT_TOPIC}.it.{run_id}"
    environ = {
        **os.environ,
        "KAFKA_TOPIC": topic,
        "KAFKA_CONSUMER_GROUP": f"{main.KERNEL_NAME}-it-{run_id}",
        "KAFKA_AUTO_OFFSET_RESET": "earliest",
        "COMMIT_INTERVAL_MS": "200",
        "DLQ_TOPIC": "",
        "HEALTH_PORT": "",
    }
    settings = load_settings(main.KERNEL_NAME, main.DEFAULT_TOPIC, environ)
    admin = AdminClient({"bootstrap.servers": settings.bootstrap_servers, **security_config(settings)})
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])[topic].result(TIMEOUT_S)
    yield settings
    admin.delete_topics([topic])[topic].result(TIMEOUT_S)


def test_processes_and_commits_every_message(isolated_settings: Settings, sample_payload: Any) -> None:
    settings = isolated_settings
    client = {"bootstrap.servers": settings.bootstrap_servers, **security_config(settings)}
    producer = Producer(client)
    for number in range(MESSAGES):
        producer.produce(settings.topic, key=f"key-{number}".encode(), value=json.dumps(sample_payload).encode())
    assert producer.flush(TIMEOUT_S) == 0

    shutdown = Shutdown(TIMEOUT_S, enforce_deadline=False)
    seen: list[int] = []

    def record(message: Message) -> bool:
        seen.append(message.offset)
        if len(seen) == MESSAGES:
            shutdown.request("all test messages processed")
        return True

    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(serve(settings, record, [], shutdown)))
    worker.start()
    worker.join(TIMEOUT_S)
    shutdown.event.set()
    worker.join(TIMEOUT_S)

    assert result == [EXIT_OK]
    assert seen == list(range(MESSAGES))
    checker = Consumer({**client, "group.id": settings.group})
    [committed] = checker.committed([TopicPartition(settings.topic, 0)], timeout=TIMEOUT_S)
    checker.close()
    assert committed.offset == MESSAGES
