"""The database kernel with a stand-in connection pool: what is stored, and how failures are classified."""

from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg
import pytest

import main
from kernel_runtime import ConfigError, DependencyUnavailable, SkipMessage, load_settings
from store import EventStore


class FakeCursor:
    def __init__(self, rowcount: int) -> None:
        self.rowcount = rowcount


class FakePool:
    """Records statements like a psycopg connection; `error` makes every connection attempt fail."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.statements: list[tuple[str, tuple | None]] = []
        self.stored: set[tuple] = set()

    @contextmanager
    def connection(self):
        if self.error is not None:
            raise self.error
        yield self

    def execute(self, statement, params=None):
        text = statement.as_string(None) if hasattr(statement, "as_string") else str(statement)
        self.statements.append((text, params))
        if params is None:
            return FakeCursor(0)
        row = params[:3]
        inserted = row not in self.stored
        self.stored.add(row)
        return FakeCursor(1 if inserted else 0)


@pytest.fixture
def pool(monkeypatch):
    fake = FakePool()
    monkeypatch.setattr(main, "store", EventStore(pool=fake))
    return fake


def test_stores_the_payload_keyed_by_topic_partition_offset(pool, make_message, sample_payload):
    message = make_message(key=b"k-1", offset=42)

    assert main.process_message(message) is True

    create, insert = pool.statements
    assert 'CREATE TABLE IF NOT EXISTS "kernel_events"' in create[0]
    assert "ON CONFLICT (kafka_topic, kafka_partition, kafka_offset) DO NOTHING" in insert[0]
    topic, partition, offset, key, timestamp, payload = insert[1]
    assert (topic, partition, offset, key) == (message.topic, 0, 42, b"k-1")
    assert timestamp == datetime.fromtimestamp(message.timestamp / 1000, UTC)
    assert payload.obj == sample_payload


def test_redelivered_message_is_not_stored_twice(pool, make_message):
    main.process_message(make_message(offset=1))
    main.process_message(make_message(offset=1))

    assert len(pool.stored) == 1
    assert sum("CREATE TABLE" in text for text, _ in pool.statements) == 1, "table created once"


def test_value_that_is_not_json_is_skipped(pool, make_message):
    with pytest.raises(SkipMessage):
        main.process_message(make_message(b"not json"))


def test_unreachable_database_is_retried(monkeypatch, make_message):
    pool = FakePool(error=psycopg.OperationalError("connection refused"))
    monkeypatch.setattr(main, "store", EventStore(pool=pool))

    with pytest.raises(DependencyUnavailable, match="database unavailable"):
        main.process_message(make_message())


def test_database_url_is_required_and_the_table_name_checked():
    environ = {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092", "DATABASE_TABLE": "events; drop table x"}

    with pytest.raises(ConfigError) as raised:
        load_settings(main.KERNEL_NAME, main.DEFAULT_TOPIC, environ, services=[EventStore()])

    report = "\n".join(raised.value.problems)
    assert "DATABASE_URL is required" in report
    assert "DATABASE_TABLE" in report


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, main.MAX_IN_FLIGHT),
        ({"DATABASE_POOL_MAX": "10"}, 10),
        ({"DATABASE_POOL_MAX": "10", "MAX_IN_FLIGHT": "3"}, 3),
    ],
)
def test_messages_in_flight_follow_the_pool_size_unless_set(extra, expected):
    environ = {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092", "DATABASE_URL": "postgresql://db/events", **extra}

    settings = load_settings(
        main.KERNEL_NAME,
        main.DEFAULT_TOPIC,
        environ,
        services=[EventStore()],
        default_max_in_flight=main.MAX_IN_FLIGHT,
    )

    assert settings.max_in_flight == expected
