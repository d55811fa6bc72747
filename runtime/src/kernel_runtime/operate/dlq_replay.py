"""`clustera-kernel dlq replay`: dead letters back to their source partition (or `--to`), exactly once.

Consume, produce, commit: one transaction holds a batch of replayed messages and the replay group's offsets on the
DLQ, so either both land or neither does. The transactional.id is stable per kernel and DLQ, so a rerun after a kill
fences the killed run's open transaction (the broker aborts it) and continues from the last committed position.
"""

import contextlib
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from confluent_kafka import KafkaException, Producer, TopicPartition

from ..settings import Settings
from .dead_letters import DeadLetter, Filters, printable, replay_headers
from .dlq_kafka import (
    TIMEOUT_S,
    Topics,
    dlq_consumer,
    groups_reading,
    read_letters,
    replay_group,
    start_offsets,
    transactional_id,
    transactional_producer_config,
)
from .kernel_settings import OperateError

# A transaction is committed after this many messages or this long, whichever comes first.
BATCH_MESSAGES = 2000
BATCH_SECONDS = 0.5
PROGRESS_EVERY_S = 0.2


@dataclass(frozen=True)
class ReplayOptions:
    filters: Filters
    to: str | None = None
    limit: int | None = None
    rate: float | None = None
    max_replays: int = 3
    dry_run: bool = False
    from_beginning: bool = False


@dataclass(frozen=True)
class Clients:
    """How a replay reaches Kafka; tests hand in fakes."""

    consumer: Callable[[Settings], Any] = dlq_consumer
    producer: Callable[[dict[str, Any]], Any] = Producer
    # The other consumer groups with offsets on a topic (None: the cluster would not say).
    readers: Callable[[Settings, str, set[str]], list[str] | None] = groups_reading


@dataclass
class Tally:
    sent: int = 0
    parked: int = 0
    filtered: int = 0
    without_source: int = 0
    targets: Counter[str] = field(default_factory=Counter)


class Replay:
    def __init__(
        self,
        settings: Settings,
        dlq_topic: str,
        options: ReplayOptions,
        out: TextIO,
        err: TextIO,
        clients: Clients | None = None,
    ) -> None:
        self._clients = clients or Clients()
        self._settings = settings
        self._dlq = dlq_topic
        self._options = options
        self._out = out
        self._err = err
        self._tally = Tally()
        self._replay_id = uuid.uuid4().hex
        self._warned: set[str] = set()
        self._producer: Any = None
        self._in_transaction = False
        self._batch_started = 0.0
        self._batch_size = 0
        self._positions: dict[int, int] = {}
        self._last_progress = 0.0
        self._delivery_errors: list[str] = []

    def run(self) -> int:
        consumer = self._clients.consumer(self._settings)
        try:
            return self._run(consumer)
        finally:
            consumer.close()

    def _run(self, consumer: Any) -> int:
        topics = Topics.of(consumer, self._settings)
        if self._dlq not in topics.partitions:
            raise OperateError(f"DLQ_TOPIC {self._dlq} does not exist")
        if self._options.to is not None and self._options.to not in topics.partitions:
            raise OperateError(f"--to {self._options.to}: the topic does not exist (nothing was sent)")
        if not self._options.dry_run:
            self._producer = self._clients.producer(transactional_producer_config(self._settings, self._dlq))
            try:
                # Fences an earlier run with the same transactional.id and aborts what it left open.
                self._producer.init_transactions(TIMEOUT_S)
            except KafkaException as error:
                raise OperateError(
                    f"the broker refused the replay's transactions (transactional.id "
                    f"{transactional_id(self._settings, self._dlq)}): {error.args[0]}"
                ) from error
        starts = start_offsets(consumer, self._dlq, topics.partitions[self._dlq], self._options.from_beginning)
        started = time.monotonic()
        try:
            for letter in read_letters(consumer, starts):
                self._take(letter, topics, consumer, started)
                if self._options.limit is not None and self._tally.sent >= self._options.limit:
                    break
            self._commit(consumer)
        except BaseException:
            self._abort()
            raise
        self._progress(started, final=True)
        self._summary(time.monotonic() - started)
        if self._tally.without_source:
            print(
                f"{self._tally.without_source} dead letter(s) have no dlq.source.* headers and were not sent: "
                "give --to <topic> to send them (with --from-beginning to reach them again)",
                file=self._err,
            )
            return 1
        return 0

    def _take(self, letter: DeadLetter, topics: Topics, consumer: Any, started: float) -> None:
        options = self._options
        if not options.filters.matches(letter):
            self._tally.filtered += 1
        elif letter.is_parked(options.max_replays):
            self._tally.parked += 1
        else:
            target = self._target(letter, topics)
            if target is None:
                self._tally.without_source += 1
            else:
                self._send(letter, target[0], target[1], started)
        if options.dry_run:
            return
        self._begin()
        self._positions[letter.partition] = letter.offset + 1
        self._batch_size += 1
        if self._batch_size >= BATCH_MESSAGES or time.monotonic() - self._batch_started >= BATCH_SECONDS:
            self._commit(consumer)
        self._progress(started)

    def _target(self, letter: DeadLetter, topics: Topics) -> tuple[str, int | None] | None:
        if self._options.to is not None:
            return self._options.to, None
        source = letter.source
        if source is None:
            return None
        count = topics.partitions.get(source.topic)
        if count is None:
            raise OperateError(f"{letter.ref}: its source topic {source.topic} does not exist (give --to <topic>)")
        if source.partition >= count:
            raise OperateError(
                f"{letter.ref}: its source partition {source.partition} is not in {source.topic} ({count} partitions)"
            )
        return source.topic, source.partition

    def _send(self, letter: DeadLetter, topic: str, partition: int | None, started: float) -> None:
        self._warn_once(topic)
        headers = replay_headers(letter, self._replay_id, datetime.now(UTC))
        self._tally.sent += 1
        self._tally.targets[topic] += 1
        if self._options.dry_run:
            place = f"{topic}[{partition}]" if partition is not None else f"{topic} (by key)"
            print(
                f"would send {letter.ref} -> {place} key={printable(letter.key)} "
                f"error={letter.error_class} replay={letter.replay_count + 1}",
                file=self._out,
            )
            return
        self._pace(started)
        self._begin()
        arguments: dict[str, Any] = {"value": letter.value, "key": letter.key, "headers": headers}
        if partition is not None:
            arguments["partition"] = partition
        if letter.timestamp is not None:
            arguments["timestamp"] = letter.timestamp
        while True:
            try:
                self._producer.produce(topic, on_delivery=self._delivered, **arguments)
                break
            except BufferError:
                self._producer.poll(0.1)
        self._producer.poll(0)

    def _delivered(self, error: Any, _message: Any) -> None:
        if error is not None:
            self._delivery_errors.append(str(error))

    def _pace(self, started: float) -> None:
        if self._options.rate is None:
            return
        due = started + (self._tally.sent - 1) / self._options.rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def _warn_once(self, topic: str) -> None:
        if topic in self._warned:
            return
        self._warned.add(topic)
        own = {self._settings.group, replay_group(self._settings)}
        readers = self._clients.readers(self._settings, topic, own)
        if readers == []:
            return
        who = "other consumer groups may" if readers is None else "consumer groups " + ", ".join(readers) + " also"
        hint = (
            "" if self._options.to is not None else " Use --to <topic> to send them to a topic only this kernel reads."
        )
        print(f"warning: {who} read {topic}: they get the replayed messages too.{hint}", file=self._err)

    def _begin(self) -> None:
        if self._in_transaction:
            return
        self._producer.begin_transaction()
        self._in_transaction = True
        self._batch_started = time.monotonic()
        self._batch_size = 0

    def _commit(self, consumer: Any) -> None:
        if not self._in_transaction:
            return
        offsets = [TopicPartition(self._dlq, partition, offset) for partition, offset in self._positions.items()]
        try:
            self._producer.send_offsets_to_transaction(offsets, consumer.consumer_group_metadata(), TIMEOUT_S)
            self._producer.commit_transaction(TIMEOUT_S)
        except KafkaException as error:
            self._abort()
            raise OperateError(
                f"the broker refused the replay's transaction (nothing of it was sent): {error.args[0]}"
            ) from error
        self._in_transaction = False
        if self._delivery_errors:
            raise OperateError(f"a replayed message was not delivered: {self._delivery_errors[0]}")

    def _abort(self) -> None:
        if self._producer is None or not self._in_transaction:
            return
        self._in_transaction = False
        with contextlib.suppress(KafkaException):
            self._producer.abort_transaction(TIMEOUT_S)

    def _progress(self, started: float, final: bool = False) -> None:
        if not self._err.isatty():
            return
        now = time.monotonic()
        if not final and now - self._last_progress < PROGRESS_EVERY_S:
            return
        self._last_progress = now
        tally = self._tally
        rate = tally.sent / max(now - started, 1e-6)
        line = f"\rreplay: {tally.sent} sent, {tally.parked} parked, {tally.filtered} filtered ({rate:,.0f} msg/s)"
        print(line, end="\n" if final else "", file=self._err, flush=True)

    def _summary(self, seconds: float) -> None:
        tally = self._tally
        verb = "dry run, nothing written: would have sent" if self._options.dry_run else "sent"
        where = ", ".join(f"{topic}: {count}" for topic, count in sorted(tally.targets.items())) or "nothing"
        print(
            f"{verb} {tally.sent} dead letter(s) from {self._dlq} ({where}) in {seconds:.1f}s; "
            f"{tally.parked} parked (replayed {self._options.max_replays} times already), {tally.filtered} "
            f"not matching the filters, {tally.without_source} without source headers",
            file=self._out,
        )


def replay(settings: Settings, dlq_topic: str, options: ReplayOptions) -> int:
    return Replay(settings, dlq_topic, options, sys.stdout, sys.stderr).run()
