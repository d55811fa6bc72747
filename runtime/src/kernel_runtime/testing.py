"""Testing helpers for a kernel's own tests: build messages, and run process_message the way the runtime does.

`build_message` makes a Message; `deliver` runs process_message on one through the runtime's own path (schema
check when the kernel passes `SCHEMA.checked(process_message)`, retries, the dead-letter decision, offsets) over
fake Kafka clients, and says what became of it. `FakeProducer` stands in for the producer a kind publishes with.
The other names (FakeConsumer, run_loop, ...) drive the loop in detail; they are what the runtime's own tests use.
"""

import inspect
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import TIMESTAMP_CREATE_TIME, KafkaError, KafkaException, TopicPartition

from kernel_runtime.broker_watch import BrokerWatch
from kernel_runtime.circuit import DEFAULT_CIRCUIT_SETTINGS, Circuit, CircuitSettings
from kernel_runtime.consumer_loop import ConsumerLoop
from kernel_runtime.dead_letter import DeadLetters
from kernel_runtime.dispatch import create_dispatch
from kernel_runtime.errors import KernelFailure
from kernel_runtime.message import Message
from kernel_runtime.metrics import Metrics
from kernel_runtime.processor import Processor
from kernel_runtime.publisher import Publisher
from kernel_runtime.retry import Backoff
from kernel_runtime.settings import load_settings
from kernel_runtime.shutdown import Shutdown

GROUP = "test-group"
# A kernel's tests need no real topic names: dead letters go here unless a test names another.
TEST_DLQ_TOPIC = "kernel.dlq"
# 2023-11-14T22:13:20Z: a fixed time, so tests that read it are reproducible.
TEST_TIMESTAMP_MS = 1_700_000_000_000


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
    """Serves messages through poll() and keeps stored/committed offsets the way librdkafka does.

    Paused partitions deliver nothing; `rebalance_at` runs a revoke or lost callback inside a given poll.
    """

    def __init__(self, messages: list[Message], on_idle: Callable[["FakeConsumer"], None]) -> None:
        self._queue = deque(FakeKafkaMessage(message) for message in messages)
        self._delivered: dict[tuple[str, int], list[FakeKafkaMessage]] = {}
        self.seeks: list[tuple[str, int, int]] = []
        self._on_idle = on_idle
        self.partitions = sorted({(message.topic, message.partition) for message in messages}) or [("topic", 0)]
        self.assigned: list[tuple[str, int]] = []
        self.paused: set[tuple[str, int]] = set()
        self.pause_calls = 0
        self.resume_calls = 0
        self.stored: dict[tuple[str, int], int] = {}
        self.committed: dict[tuple[str, int], int] = {}
        self.commit_calls = 0
        self.closed = False
        self.polls = 0
        self.rebalance_at: dict[int, tuple[str, list[tuple[str, int]]]] = {}
        self.committed_at_revoke: dict[tuple[str, int], int] | None = None
        self._callbacks: dict[str, Callable[..., None]] = {}

    def subscribe(
        self,
        topics: list[str],
        on_assign: Callable[..., None],
        on_revoke: Callable[..., None],
        on_lost: Callable[..., None],
    ) -> None:
        self._callbacks = {"revoke": on_revoke, "lost": on_lost}
        self.assigned = list(self.partitions)
        on_assign(self, [TopicPartition(topic, partition) for topic, partition in self.assigned])

    def poll(self, timeout: float) -> FakeKafkaMessage | None:
        self.polls += 1
        if self.polls in self.rebalance_at:
            self._rebalance(*self.rebalance_at.pop(self.polls))
        for index, raw in enumerate(self._queue):
            if (raw.topic(), raw.partition()) in self.assigned and (raw.topic(), raw.partition()) not in self.paused:
                del self._queue[index]
                self._delivered.setdefault((raw.topic(), raw.partition()), []).append(raw)
                return raw
        self._on_idle(self)
        time.sleep(min(timeout, 0.005))
        return None

    def _rebalance(self, kind: str, partitions: list[tuple[str, int]]) -> None:
        self._callbacks[kind](self, [TopicPartition(topic, partition) for topic, partition in partitions])
        if kind == "revoke":
            self.committed_at_revoke = dict(self.committed)
        self.assigned = [key for key in self.assigned if key not in partitions]
        # Whatever the revoked partitions still hold goes to their next owner, not to this consumer.
        self._queue = deque(raw for raw in self._queue if (raw.topic(), raw.partition()) not in partitions)
        for key in partitions:
            self.stored.pop(key, None)

    @property
    def remaining(self) -> int:
        """Messages not delivered yet."""
        return len(self._queue)

    def assignment(self) -> list[TopicPartition]:
        return [TopicPartition(topic, partition) for topic, partition in self.assigned]

    def pause(self, partitions: list[TopicPartition]) -> None:
        self.pause_calls += 1
        self.paused.update((p.topic, p.partition) for p in partitions)

    def resume(self, partitions: list[TopicPartition]) -> None:
        self.resume_calls += 1
        self.paused.difference_update((p.topic, p.partition) for p in partitions)

    def seek(self, partition: TopicPartition) -> None:
        """Delivers the partition again from `partition.offset`, like librdkafka after a seek."""
        self.seeks.append((partition.topic, partition.partition, partition.offset))
        key = (partition.topic, partition.partition)
        delivered = self._delivered.get(key, [])
        again = [raw for raw in delivered if raw.offset() >= partition.offset]
        self._delivered[key] = [raw for raw in delivered if raw.offset() < partition.offset]
        pending = [raw for raw in self._queue if (raw.topic(), raw.partition()) == key]
        others = [raw for raw in self._queue if (raw.topic(), raw.partition()) != key]
        self._queue = deque(again + pending + others)

    def list_topics(self, topic: str, timeout: float) -> object:
        return object()

    def store_offsets(
        self, message: FakeKafkaMessage | None = None, offsets: list[TopicPartition] | None = None
    ) -> None:
        if message is not None:
            offsets = [TopicPartition(message.topic(), message.partition(), message.offset() + 1)]
        for tp in offsets or []:
            if (tp.topic, tp.partition) not in self.assigned:
                raise KafkaException(KafkaError(KafkaError._STATE))
            self.stored[(tp.topic, tp.partition)] = tp.offset

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
    # The timestamp the message was produced with (milliseconds), None when the producer chose it.
    timestamp: int | None = None

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key == name]
        return values[-1].decode("utf-8") if values and values[-1] is not None else None


class FakeProducer:
    """Acknowledges on poll() and flush(), like a broker would; `fail_with` makes every delivery fail instead."""

    def __init__(self, fail_with: KafkaError | None = None) -> None:
        self.fail_with = fail_with
        self.produced: list[Produced] = []
        self._pending: list[tuple[Produced, Callable[..., None]]] = []
        self._lock = threading.Lock()

    def produce(
        self,
        topic: str,
        value: bytes | None = None,
        key: bytes | None = None,
        headers: Any = None,
        on_delivery: Callable[..., None] = lambda *_: None,
        timestamp: int | None = None,
    ) -> None:
        with self._lock:
            self._pending.append((Produced(topic, value, key, list(headers or []), timestamp), on_delivery))

    def poll(self, timeout: float | None = None) -> int:
        with self._lock:
            pending, self._pending = self._pending, []
            if self.fail_with is None:
                self.produced.extend(produced for produced, _ in pending)
        for _, on_delivery in pending:
            on_delivery(self.fail_with, None)
        if not pending:
            time.sleep(min(timeout or 0, 0.005))
        return len(pending)

    def flush(self, timeout: float | None = None) -> int:
        self.poll(0)
        return 0


class ManualWorkers:
    """Workers that run nothing by themselves: a test finishes the started messages in the order it chooses."""

    def __init__(self) -> None:
        self.started: list[tuple[Message, Callable[[BaseException | None], None]]] = []
        self.closed = False

    def start(self, message: Message, done: Callable[[BaseException | None], None]) -> None:
        self.started.append((message, done))

    def close(self) -> None:
        self.closed = True


@dataclass
class LoopRun:
    consumer: FakeConsumer
    producer: FakeProducer
    metrics: Metrics
    failure: KernelFailure | None
    calls: list[int] = field(default_factory=list)
    circuit: Circuit | None = None


def stop_once_stored(messages: list[Message], shutdown: Shutdown) -> Callable[[FakeConsumer], None]:
    """Stops the loop once every assigned partition is stored past its last message (or after 10 s, for safety)."""
    ends: dict[tuple[str, int], int] = {}
    for message in messages:
        ends[(message.topic, message.partition)] = max(
            ends.get((message.topic, message.partition), 0), message.offset + 1
        )
    give_up_at = time.monotonic() + 10.0

    def check(consumer: FakeConsumer) -> None:
        wanted = {key: end for key, end in ends.items() if key in consumer.assigned}
        if all(consumer.stored.get(key) == end for key, end in wanted.items()) or time.monotonic() > give_up_at:
            shutdown.event.set()

    return check


def run_loop(
    process: Callable[[Message], Any],
    messages: list[Message],
    *,
    dlq_topic: str | None = None,
    max_attempts: int = 3,
    producer: FakeProducer | None = None,
    max_in_flight: int = 1,
    ordering: str = "key",
    consumer: FakeConsumer | None = None,
    shutdown: Shutdown | None = None,
    circuit: CircuitSettings | Circuit | None = None,
    retry_backoff_ms: int = 0,
) -> LoopRun:
    """Runs ConsumerLoop until every message was stored (or the kernel stopped) and reports what happened."""
    shutdown = shutdown or Shutdown(5.0, enforce_deadline=False)
    consumer = consumer or FakeConsumer(messages, on_idle=stop_once_stored(messages, shutdown))
    producer = producer or FakeProducer()
    metrics = Metrics()
    calls: list[int] = []
    calls_lock = threading.Lock()

    def tracked(message: Message) -> Any:
        with calls_lock:
            calls.append(message.offset)
        return process(message)

    async def tracked_async(message: Message) -> Any:
        with calls_lock:
            calls.append(message.offset)
        return await process(message)

    is_async = inspect.iscoroutinefunction(process)
    publisher = Publisher(producer, ack_timeout_s=1.0)
    dead_letters = DeadLetters(publisher, dlq_topic, GROUP) if dlq_topic else None
    process_message = tracked_async if is_async else tracked
    breaker = (
        circuit
        if isinstance(circuit, Circuit)
        else Circuit(circuit or DEFAULT_CIRCUIT_SETTINGS, metrics, shutdown.event)
    )
    processor = Processor(
        process_message,
        max_attempts=max_attempts,
        backoff=Backoff(first_ms=retry_backoff_ms, max_ms=retry_backoff_ms * 8),
        dead_letters=dead_letters,
        metrics=metrics,
        stop=shutdown.event,
        circuit=breaker,
        waits_for_circuit=max_in_flight > 1,
    )
    topic = messages[0].topic if messages else "topic"
    environ = {"KAFKA_BOOTSTRAP_SERVERS": "fake:9092", "MAX_IN_FLIGHT": str(max_in_flight), "ORDERING": ordering}
    settings = load_settings("test-kernel", topic, environ)
    dispatch = create_dispatch(
        consumer,
        processor,
        process_message,
        settings,
        metrics,
        shutdown,
        poll_timeout_s=0.05,
        circuit=processor.circuit,
    )
    watch = BrokerWatch("fake:9092", timeout_s=5.0)
    loop = ConsumerLoop(consumer, dispatch, topic=topic, watch=watch, metrics=metrics, shutdown=shutdown)
    failure = None
    try:
        loop.run()
    except KernelFailure as error:
        failure = error
    publisher.close()
    return LoopRun(consumer, producer, metrics, failure, calls, breaker)


def build_message(
    value: Any = None,
    *,
    topic: str = "topic",
    partition: int = 0,
    offset: int = 0,
    key: bytes | str | None = b"key-1",
    timestamp: int | None = TEST_TIMESTAMP_MS,
    headers: list[tuple[str, bytes | None]] | None = None,
) -> Message:
    """A Message as the runtime hands it to process_message: bytes stay bytes, text is UTF-8, anything else JSON."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    elif value is not None and not isinstance(value, bytes):
        value = json.dumps(value).encode("utf-8")
    if isinstance(key, str):
        key = key.encode("utf-8")
    return Message(
        topic=topic,
        partition=partition,
        offset=offset,
        key=key,
        value=value,
        timestamp=timestamp,
        headers=list(headers or []),
    )


@dataclass
class Delivery:
    """What the runtime did with one message: `result` is processed, skipped, dead_lettered or stopped."""

    result: str
    attempts: int
    committed: bool
    dead_letter: Produced | None
    failure: KernelFailure | None
    produced: list[Produced]


def deliver(
    process_message: Callable[[Message], Any],
    message: Message,
    *,
    dlq_topic: str | None = TEST_DLQ_TOPIC,
    max_attempts: int = 3,
    producer: FakeProducer | None = None,
) -> Delivery:
    """Runs one message through the runtime's loop, as a running kernel would, without retry delays.

    `stopped` means the kernel would exit without committing the message (a fatal error, or retries exhausted with
    no DLQ_TOPIC). `produced` is everything the kernel published, the dead letter included.
    """
    run = run_loop(process_message, [message], dlq_topic=dlq_topic, max_attempts=max_attempts, producer=producer)
    committed = run.consumer.committed.get((message.topic, message.partition), 0) > message.offset
    dead_letters = [produced for produced in run.producer.produced if dlq_topic and produced.topic == dlq_topic]
    counts = run.metrics.snapshot().messages
    if run.failure is not None:
        result = "stopped"
    elif dead_letters:
        result = "dead_lettered"
    elif counts.get("skipped", 0) > 0:
        result = "skipped"
    else:
        result = "processed"
    return Delivery(
        result=result,
        attempts=len(run.calls),
        committed=committed,
        dead_letter=dead_letters[-1] if dead_letters else None,
        failure=run.failure,
        produced=run.producer.produced,
    )
