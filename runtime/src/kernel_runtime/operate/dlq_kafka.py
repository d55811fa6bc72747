"""The Kafka side of `clustera-kernel dlq`: its clients' configuration, reading the DLQ, and what the cluster holds."""

from collections.abc import Iterator
from concurrent.futures import wait
from dataclasses import dataclass
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, ConsumerGroupTopicPartitions, KafkaError, TopicPartition
from confluent_kafka.admin import AdminClient

from ..settings import Settings
from .dead_letters import DeadLetter
from .kafka_clients import client_config
from .kernel_settings import OperateError

TIMEOUT_S = 15.0
POLL_S = 0.5
# Checking which groups read a target topic is advice; a cluster with more groups than this is not searched further.
MAX_GROUPS_CHECKED = 500


def replay_group(settings: Settings) -> str:
    """The replay's own consumer group on the DLQ: derived from the kernel's, never the kernel's own."""
    return f"{settings.group}.dlq-replay"


def transactional_id(settings: Settings, dlq_topic: str) -> str:
    """Stable per kernel and DLQ, so a rerun fences a killed run's open transaction and continues after it."""
    return f"{settings.group}.dlq-replay.{dlq_topic}"


def _common(settings: Settings) -> dict[str, Any]:
    return client_config(settings, "dlq")


def dlq_consumer(settings: Settings) -> Consumer:
    """Reads only committed records (aborted ones and transaction markers take offsets too); commits nothing itself."""
    return Consumer(
        {
            **_common(settings),
            "group.id": replay_group(settings),
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "isolation.level": "read_committed",
            "auto.offset.reset": "earliest",
            "enable.partition.eof": True,
        }
    )


def transactional_producer_config(settings: Settings, dlq_topic: str) -> dict[str, Any]:
    return {
        **_common(settings),
        "transactional.id": transactional_id(settings, dlq_topic),
        "enable.idempotence": True,
        "linger.ms": 5,
    }


def admin_client(settings: Settings) -> AdminClient:
    return AdminClient(_common(settings))


@dataclass(frozen=True)
class Topics:
    """Topic name -> partition count, as the cluster's metadata lists them (asking never creates a topic)."""

    partitions: dict[str, int]

    @classmethod
    def of(cls, client: Any, settings: Settings) -> "Topics":
        """The first request of a command: a cluster that does not answer in KAFKA_CONNECT_TIMEOUT_S stops it."""
        try:
            metadata = client.list_topics(timeout=settings.connect_timeout_s)
        except Exception as error:
            raise OperateError(
                f"no answer from {settings.bootstrap_servers} within {settings.connect_timeout_s:g} s"
                f" (KAFKA_CONNECT_TIMEOUT_S): {error}"
            ) from error
        return cls({name: len(topic.partitions) for name, topic in metadata.topics.items() if topic.error is None})


def start_offsets(consumer: Consumer, topic: str, partitions: int, from_beginning: bool) -> list[TopicPartition]:
    """Where the replay group stopped (its committed offsets), or the beginning."""
    wanted = [TopicPartition(topic, partition) for partition in range(partitions)]
    if from_beginning:
        return [TopicPartition(topic, p.partition, OFFSET_BEGINNING) for p in wanted]
    try:
        committed = consumer.committed(wanted, timeout=TIMEOUT_S)
    except Exception as error:
        raise OperateError(f"could not read the replay group's offsets on {topic}: {error}") from error
    return [TopicPartition(topic, p.partition, p.offset if p.offset >= 0 else OFFSET_BEGINNING) for p in committed]


def committed_positions(consumer: Consumer, topic: str, partitions: int) -> dict[int, int]:
    """The replay group's position per partition (0 where it has none)."""
    return {
        p.partition: (p.offset if p.offset >= 0 else 0)
        for p in start_offsets(consumer, topic, partitions, from_beginning=False)
        if p.offset != OFFSET_BEGINNING
    }


def read_letters(consumer: Consumer, starts: list[TopicPartition]) -> Iterator[DeadLetter]:
    """Every committed dead letter from `starts` up to the end each partition had when reading began."""
    ends: dict[int, int] = {}
    for start in starts:
        try:
            _low, high = consumer.get_watermark_offsets(start, timeout=TIMEOUT_S)
        except Exception as error:
            raise OperateError(f"could not read the end offsets of {start.topic}: {error}") from error
        ends[start.partition] = high
    open_partitions = {
        start.partition for start in starts if ends[start.partition] > 0 and start.offset < ends[start.partition]
    }
    if not open_partitions:
        return
    consumer.assign([start for start in starts if start.partition in open_partitions])
    idle_polls = 0
    while open_partitions:
        raw = consumer.poll(POLL_S)
        if raw is None:
            idle_polls += 1
            if idle_polls * POLL_S > TIMEOUT_S:
                raise OperateError(f"no records from {starts[0].topic} for {TIMEOUT_S:.0f}s before its end")
            continue
        idle_polls = 0
        failure = raw.error()
        partition = raw.partition()
        if failure is not None:
            if failure.code() == KafkaError._PARTITION_EOF:
                open_partitions.discard(partition)
                continue
            raise OperateError(f"could not read {starts[0].topic}: {failure}")
        if partition not in open_partitions:
            continue
        letter = DeadLetter.from_kafka(raw)
        yield letter
        if letter.offset + 1 >= ends[letter.partition]:
            open_partitions.discard(letter.partition)


def groups_reading(settings: Settings, topic: str, own_groups: set[str]) -> list[str] | None:
    """Other consumer groups with offsets on `topic`; None when the cluster would not say."""
    admin = admin_client(settings)
    try:
        listed = admin.list_consumer_groups(request_timeout=TIMEOUT_S).result(TIMEOUT_S)
        names = sorted(group.group_id for group in listed.valid if group.group_id not in own_groups)
        futures = {
            name: admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions(name)], request_timeout=TIMEOUT_S)[
                name
            ]
            for name in names[:MAX_GROUPS_CHECKED]
        }
        wait(list(futures.values()), TIMEOUT_S)
    except Exception:
        return None
    readers = []
    for name, future in futures.items():
        if not future.done() or future.exception() is not None:
            continue
        if any(p.topic == topic and p.offset >= 0 for p in future.result().topic_partitions or []):
            readers.append(name)
    return readers
