"""Test doubles for the Kafka clients, and a harness that runs the runtime's loop against them."""

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import TIMESTAMP_CREATE_TIME, KafkaError, KafkaException, TopicPartition

from kernel_runtime.broker_watch import BrokerWatch
from kernel_runtime.consumer_loop import ConsumerLoop
from kernel_runtime.dead_letter import DeadLetters
from kernel_runtime.errors import KernelFailure
from kernel_runtime.message import Message
from kernel_runtime.metrics import Metrics
from kernel_runtime.processor import Processor
from kernel_runtime.publisher import Publisher
from kernel_runtime.retry import Backoff
from kernel_runtime.shutdown import Shutdown

GROUP = "test-group"


class FakeKafkaMessage:
    """Mimics confluent_kafka.Message's accessor methods."""

    def __init__(self, message: Message) -> None:
        self._message = message

    def topic(self) -> str:
        return self._message.topic

    def partition(self) -> int:
        return self._message.partition

    def offset(self) -> int:
        return self._message.offset

    def key(self) -> bytes | None:
        return self._message.key

    def value(self) -> bytes | None:
        return self._message.value

    def headers(self) -> list[tuple[str, bytes | None]] | None:
        return list(self._message.headers) or None

    def timestamp(self) -> tuple[int, int]:
        return TIMESTAMP_CREATE_TIME, self._message.timestamp or 0

    def error(self) -> None:
        return None


class FakeConsumer:
    """Serves messages through poll() and keeps stored/committed offsets the way librdkafka does."""

    def __init__(self, messages: list[Message], on_drained: Callable[[], None]) -> None:
        self._queue = deque(FakeKafkaMessage(message) for message in messages)
        self._on_drained = on_drained
        self.stored: dict[tuple[str, int], int] = {}
        self.committed: dict[tuple[str, int], int] = {}
        self.commit_calls = 0
        self.closed = False

    def subscribe(self, topics: list[str], on_assign: Callable, on_revoke: Callable, on_lost: Callable) -> None:
        on_assign(self, [TopicPartition(topic, 0) for topic in topics])

    def poll(self, timeout: float) -> FakeKafkaMessage | None:
        if self._queue:
            return self._queue.popleft()
        self._on_drained()
        return None

    def list_topics(self, topic: str, timeout: float) -> object:
        return object()

    def store_offsets(self, message: FakeKafkaMessage) -> None:
        self.stored[(message.topic(), message.partition())] = message.offset() + 1

    def commit(self, asynchronous: bool = True) -> None:
        self.commit_calls += 1
        if self.stored == self.committed:
            raise KafkaException(KafkaError(KafkaError._NO_OFFSET))
        self.committed.update(self.stored)

    def close(self) -> None:
        self.committed.update(self.stored)
        self.closed = True


@dataclass
class Produced:
    topic: str
    value: bytes | None
    key: bytes | None
    headers: list[tuple[str, bytes | None]]

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key == name]
        return values[-1].decode("utf-8") if values and values[-1] is not None else None


class FakeProducer:
    """Acknowledges on flush(), like a broker would; `fail_with` makes every delivery fail instead."""

    def __init__(self, fail_with: KafkaError | None = None) -> None:
        self.fail_with = fail_with
        self.produced: list[Produced] = []
        self._pending: list[tuple[Produced, Callable]] = []

    def produce(self, topic: str, value: bytes | None = None, key: bytes | None = None, headers: Any = None,
                on_delivery: Callable = lambda *_: None) -> None:
        self._pending.append((Produced(topic, value, key, list(headers or [])), on_delivery))

    def flush(self, timeout: float | None = None) -> int:
        for produced, on_delivery in self._pending:
            if self.fail_with is None:
                self.produced.append(produced)
            on_delivery(self.fail_with, None)
        self._pending.clear()
        return 0


@dataclass
class LoopRun:
    consumer: FakeConsumer
    producer: FakeProducer
    metrics: Metrics
    failure: KernelFailure | None
    calls: list[int] = field(default_factory=list)


def run_loop(
    process: Callable[[Message], bool | None],
    messages: list[Message],
    *,
    dlq_topic: str | None = None,
    max_attempts: int = 3,
    producer: FakeProducer | None = None,
) -> LoopRun:
    """Runs ConsumerLoop until every message was polled (or the kernel stopped) and reports what happened."""
    shutdown = Shutdown(5.0, enforce_deadline=False)
    consumer = FakeConsumer(messages, on_drained=shutdown.event.set)
    producer = producer or FakeProducer()
    metrics = Metrics()
    calls: list[int] = []

    def tracked(message: Message) -> bool | None:
        calls.append(message.offset)
        return process(message)

    dead_letters = DeadLetters(Publisher(producer, ack_timeout_s=1.0), dlq_topic, GROUP) if dlq_topic else None
    processor = Processor(
        tracked,
        max_attempts=max_attempts,
        backoff=Backoff(first_ms=0, max_ms=0),
        dead_letters=dead_letters,
        metrics=metrics,
        stop=shutdown.event,
    )
    topic = messages[0].topic if messages else "topic"
    watch = BrokerWatch("fake:9092", timeout_s=5.0)
    loop = ConsumerLoop(consumer, processor, topic=topic, watch=watch, metrics=metrics, shutdown=shutdown)
    failure = None
    try:
        loop.run()
    except KernelFailure as error:
        failure = error
    return LoopRun(consumer, producer, metrics, failure, calls)
