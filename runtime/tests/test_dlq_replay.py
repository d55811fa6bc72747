"""The replay loop with fake Kafka clients: what is sent where, what each transaction commits, and what stops it."""

import io
from types import SimpleNamespace
from typing import Any

import pytest
from confluent_kafka import (
    OFFSET_BEGINNING,
    OFFSET_INVALID,
    TIMESTAMP_CREATE_TIME,
    KafkaError,
    KafkaException,
    TopicPartition,
)

from kernel_runtime.facts import DEAD_LETTER_HEADERS, REPLAY_HEADERS
from kernel_runtime.operate.dead_letters import Filters, parse_filters
from kernel_runtime.operate.dlq_replay import Clients, Replay, ReplayOptions
from kernel_runtime.operate.kernel_settings import OperateError
from kernel_runtime.settings import load_settings

D = DEAD_LETTER_HEADERS
DLQ = "orders.dlq"
SETTINGS = load_settings("orders-sink", "orders", {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092", "DLQ_TOPIC": DLQ})


class Record:
    def __init__(self, offset: int, key: bytes, headers: list[tuple[str, bytes | None]]) -> None:
        self._offset = offset
        self._key = key
        self._headers = headers

    def topic(self) -> str:
        return DLQ

    def partition(self) -> int:
        return 0

    def offset(self) -> int:
        return self._offset

    def key(self) -> bytes:
        return self._key

    def value(self) -> bytes:
        return b'{"n": %d}' % self._offset

    def headers(self) -> list[tuple[str, bytes | None]]:
        return self._headers

    def timestamp(self) -> tuple[int, int]:
        return TIMESTAMP_CREATE_TIME, 1_700_000_000_000 + self._offset

    def error(self) -> None:
        return None


def record(offset: int, *, source: int | None = 1, error_class: str = "SkipMessage", replays: int = 0) -> Record:
    headers: list[tuple[str, bytes | None]] = [("source", b"test")]
    if replays:
        headers.append((REPLAY_HEADERS["count"], str(replays).encode()))
    if source is not None:
        headers += [(D["sourceTopic"], b"orders"), (D["sourcePartition"], str(source).encode())]
        headers.append((D["sourceOffset"], str(100 + offset).encode()))
    headers += [(D["errorClass"], error_class.encode()), (D["time"], b"2026-02-01T10:00:00+00:00")]
    return Record(offset, b"key-%d" % offset, headers)


class FakeConsumer:
    def __init__(self, records: list[Record], committed: int | None = None, topics: dict[str, int] | None = None):
        self.records = records
        self._committed = committed
        self._topics = {DLQ: 1, "orders": 3, "elsewhere": 2} if topics is None else topics
        self._position = 0

    def list_topics(self, timeout: float = -1) -> Any:
        topics = {
            name: SimpleNamespace(partitions=dict.fromkeys(range(n)), error=None) for name, n in self._topics.items()
        }
        return SimpleNamespace(topics=topics)

    def committed(self, partitions: list[TopicPartition], timeout: float = -1) -> list[TopicPartition]:
        offset = OFFSET_INVALID if self._committed is None else self._committed
        return [TopicPartition(p.topic, p.partition, offset) for p in partitions]

    def get_watermark_offsets(self, partition: TopicPartition, timeout: float = -1) -> tuple[int, int]:
        return 0, len(self.records)

    def assign(self, partitions: list[TopicPartition]) -> None:
        offset = partitions[0].offset
        self._position = 0 if offset == OFFSET_BEGINNING else offset

    def poll(self, timeout: float = -1) -> Record | None:
        if self._position >= len(self.records):
            return None
        self._position += 1
        return self.records[self._position - 1]

    def consumer_group_metadata(self) -> str:
        return "group-metadata"

    def close(self) -> None:
        pass


class FakeTransactions:
    """A transactional producer: what a committed transaction wrote, and the offsets it committed with it."""

    def __init__(self, refuse: str | None = None) -> None:
        self.refuse = refuse
        self.config: dict[str, Any] = {}
        self.pending: list[dict[str, Any]] = []
        self.pending_offsets: list[TopicPartition] = []
        self.committed: list[list[dict[str, Any]]] = []
        self.offsets: list[list[tuple[int, int]]] = []
        self.aborted = 0

    def __call__(self, config: dict[str, Any]) -> "FakeTransactions":
        self.config = config
        return self

    def _maybe_refuse(self, step: str) -> None:
        if self.refuse == step:
            raise KafkaException(KafkaError(KafkaError.TRANSACTIONAL_ID_AUTHORIZATION_FAILED))

    def init_transactions(self, timeout: float = -1) -> None:
        self._maybe_refuse("init")

    def begin_transaction(self) -> None:
        self.pending, self.pending_offsets = [], []

    def produce(self, topic: str, on_delivery: Any = None, **message: Any) -> None:
        self.pending.append({"topic": topic, **message})

    def poll(self, timeout: float = -1) -> int:
        return 0

    def send_offsets_to_transaction(self, offsets: list[TopicPartition], metadata: Any, timeout: float = -1) -> None:
        assert metadata == "group-metadata"
        self.pending_offsets = offsets

    def commit_transaction(self, timeout: float = -1) -> None:
        self._maybe_refuse("commit")
        self.committed.append(self.pending)
        self.offsets.append([(p.partition, p.offset) for p in self.pending_offsets])

    def abort_transaction(self, timeout: float = -1) -> None:
        self.aborted += 1
        self.pending = []

    @property
    def sent(self) -> list[dict[str, Any]]:
        return [message for batch in self.committed for message in batch]


def run_replay(
    consumer: FakeConsumer,
    producer: FakeTransactions,
    readers: list[str] | None = None,
    filters: Filters | None = None,
    **options: Any,
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    clients = Clients(
        consumer=lambda _settings: consumer, producer=producer, readers=lambda *_: [] if readers is None else readers
    )
    code = Replay(SETTINGS, DLQ, ReplayOptions(filters=filters or Filters(), **options), out, err, clients).run()
    return code, out.getvalue(), err.getvalue()


def test_each_letter_goes_to_its_source_partition_with_its_position_in_the_same_transaction():
    producer = FakeTransactions()

    code, out, _ = run_replay(FakeConsumer([record(0, source=2), record(1, source=0)]), producer)

    assert code == 0
    assert producer.config["transactional.id"] == "orders-sink-group.dlq-replay.orders.dlq"
    assert [(m["topic"], m["partition"], m["key"], m["timestamp"]) for m in producer.sent] == [
        ("orders", 2, b"key-0", 1_700_000_000_000),
        ("orders", 0, b"key-1", 1_700_000_000_001),
    ]
    assert producer.sent[0]["value"] == b'{"n": 0}'
    assert producer.sent[0]["headers"][0] == ("source", b"test")
    assert producer.offsets[-1] == [(0, 2)]
    assert "sent 2 dead letter(s)" in out


def test_a_rerun_continues_after_the_committed_position():
    producer = FakeTransactions()

    run_replay(FakeConsumer([record(0), record(1), record(2)], committed=2), producer)

    assert [m["key"] for m in producer.sent] == [b"key-2"]


def test_parked_and_filtered_letters_are_passed_over_and_counted():
    producer = FakeTransactions()
    letters = [record(0, replays=3), record(1, error_class="PublishFailed"), record(2)]

    code, out, _ = run_replay(FakeConsumer(letters), producer, filters=parse_filters(["SkipMessage"]))

    assert code == 0
    assert [m["key"] for m in producer.sent] == [b"key-2"]
    assert producer.offsets[-1] == [(0, 3)]
    assert "1 parked" in out
    assert "1 not matching the filters" in out


def test_the_limit_commits_only_through_the_last_letter_sent():
    producer = FakeTransactions()

    run_replay(FakeConsumer([record(0), record(1), record(2)]), producer, limit=2)

    assert [m["key"] for m in producer.sent] == [b"key-0", b"key-1"]
    assert producer.offsets[-1] == [(0, 2)]


def test_other_groups_reading_a_to_topic_are_named_too():
    _, _, err = run_replay(FakeConsumer([record(0)]), FakeTransactions(), readers=["audit"], to="elsewhere")

    assert "audit" in err
    assert "--to" not in err


def test_a_dry_run_creates_no_producer_and_commits_nothing():
    producer = FakeTransactions()

    code, out, _ = run_replay(FakeConsumer([record(0), record(1)]), producer, dry_run=True)

    assert code == 0
    assert producer.config == {}
    assert producer.committed == []
    assert out.count("would send") == 2


def test_with_to_the_partitioner_places_each_message():
    producer = FakeTransactions()

    code, _, _ = run_replay(FakeConsumer([record(0, source=None)]), producer, to="elsewhere")

    assert code == 0
    assert [(m["topic"], "partition" in m) for m in producer.sent] == [("elsewhere", False)]


def test_a_letter_without_source_headers_is_counted_not_sent_and_the_exit_names_to():
    producer = FakeTransactions()

    code, _, err = run_replay(FakeConsumer([record(0, source=None), record(1)]), producer)

    assert code == 1
    assert [m["key"] for m in producer.sent] == [b"key-1"]
    assert "--to" in err


def test_other_groups_reading_the_target_are_named_before_sending():
    code, _, err = run_replay(FakeConsumer([record(0)]), FakeTransactions(), readers=["billing"])

    assert code == 0
    assert "billing" in err
    assert "--to" in err


@pytest.mark.parametrize(
    ("consumer", "options", "message"),
    [
        (FakeConsumer([record(0)], topics={"orders": 3}), {}, "DLQ_TOPIC orders.dlq does not exist"),
        (FakeConsumer([record(0)]), {"to": "missing"}, "--to missing: the topic does not exist"),
        (FakeConsumer([record(0)], topics={DLQ: 1}), {}, "source topic orders does not exist"),
        (FakeConsumer([record(0, source=7)]), {}, "source partition 7 is not in orders"),
    ],
)
def test_a_target_that_does_not_exist_stops_with_nothing_sent(consumer, options, message):
    producer = FakeTransactions()

    with pytest.raises(OperateError, match=message):
        run_replay(consumer, producer, **options)
    assert producer.committed == []


@pytest.mark.parametrize(("step", "message"), [("init", "refused the replay's transactions"), ("commit", "refused")])
def test_a_broker_that_refuses_the_transaction_stops_with_nothing_sent(step, message):
    producer = FakeTransactions(refuse=step)

    with pytest.raises(OperateError, match=message):
        run_replay(FakeConsumer([record(0)]), producer)
    assert producer.committed == []
    assert producer.aborted == (1 if step == "commit" else 0)
