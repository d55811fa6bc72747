"""`clustera-kernel dlq` without a broker: reading a dead letter, filters, replay headers, the kernel's settings."""

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kernel_runtime.facts import DEAD_LETTER_HEADERS, ORIGIN_HEADERS, REPLAY_HEADERS
from kernel_runtime.logs import LIBRDKAFKA_LOGGER
from kernel_runtime.operate import main
from kernel_runtime.operate.dead_letters import (
    BadInput,
    Coordinates,
    DeadLetter,
    parse_filters,
    parse_time,
    printable,
    replay_headers,
)
from kernel_runtime.operate.dlq_kafka import replay_group, transactional_id
from kernel_runtime.operate.kernel_settings import OperateError, load_kernel_settings

D = DEAD_LETTER_HEADERS
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ORIGIN_KEYS = ("topic", "partition", "offset")


def letter(
    *,
    own: list[tuple[str, bytes | None]] | None = None,
    source: tuple[str, int, int] | None = ("orders", 2, 41),
    origin: tuple[str, int, int] | None = None,
    error_class: str = "SkipMessage",
    time: str = "2026-02-01T10:00:00.000+00:00",
    replays: int | None = None,
    key: bytes | None = b"k-1",
    offset: int = 7,
) -> DeadLetter:
    headers = list(own if own is not None else [("source", b"test"), ("bin", b"\x00\xff")])
    if replays is not None:
        headers.append((REPLAY_HEADERS["count"], str(replays).encode()))
        headers.append((REPLAY_HEADERS["id"], b"older"))
    if origin is not None:
        headers += [(ORIGIN_HEADERS[k], str(v).encode()) for k, v in zip(ORIGIN_KEYS, origin, strict=True)]
    if source is not None:
        names = ("sourceTopic", "sourcePartition", "sourceOffset")
        headers += [(D[k], str(v).encode()) for k, v in zip(names, source, strict=True)]
    headers += [(D["errorClass"], error_class.encode()), (D["errorMessage"], b"POST /events answered 400")]
    headers += [(D["attempts"], b"1"), (D["time"], time.encode()), (D["group"], b"orders-group")]
    return DeadLetter("orders.dlq", 0, offset, key, b'{"id": 3}', 1_700_000_000_000, headers)


def test_a_replay_sends_the_original_headers_byte_for_byte_then_origin_and_replay():
    sent = replay_headers(letter(), "run-1", NOW)

    assert sent[:2] == [("source", b"test"), ("bin", b"\x00\xff")]
    assert not [name for name, _ in sent if name.startswith("dlq.")]
    values = dict(sent)
    assert [values[ORIGIN_HEADERS[k]] for k in ORIGIN_KEYS] == [b"orders", b"2", b"41"]
    assert values[REPLAY_HEADERS["id"]] == b"run-1"
    assert values[REPLAY_HEADERS["count"]] == b"1"
    assert values[REPLAY_HEADERS["time"]] == b"2026-03-01T12:00:00.000+00:00"
    assert [values[REPLAY_HEADERS[k]] for k in ("dlqTopic", "dlqPartition", "dlqOffset")] == [b"orders.dlq", b"0", b"7"]


def test_a_second_replay_keeps_the_origin_counts_on_and_replaces_the_old_replay_headers():
    again = letter(source=("orders", 0, 900), origin=("orders", 2, 41), replays=1)

    sent = replay_headers(again, "run-2", NOW)

    values = dict(sent)
    assert [values[ORIGIN_HEADERS[k]] for k in ORIGIN_KEYS] == [b"orders", b"2", b"41"]
    assert values[REPLAY_HEADERS["count"]] == b"2"
    names = [name for name, _ in sent]
    assert names.count(REPLAY_HEADERS["id"]) == 1
    assert names.count(ORIGIN_HEADERS["topic"]) == 1


def test_a_letter_without_source_headers_has_no_source_and_no_origin():
    bare = letter(source=None)

    assert bare.source is None
    assert bare.origin is None
    assert ORIGIN_HEADERS["topic"] not in dict(replay_headers(bare, "run", NOW))


def test_a_letter_reads_its_headers():
    read = letter(replays=2)

    assert read.source == Coordinates("orders", 2, 41)
    assert (read.error_class, read.attempts, read.replay_count) == ("SkipMessage", 1, 2)
    assert read.time == datetime(2026, 2, 1, 10, 0, tzinfo=UTC)
    assert read.is_parked(2)
    assert not read.is_parked(3)


def test_filters_match_on_every_option_given():
    filters = parse_filters(["SkipMessage,RetryableError"], "2026-01-01", "2026-03-01T00:00:00Z", ["k-1"], ["2"])

    assert filters.matches(letter())
    assert not filters.matches(letter(error_class="PublishFailed"))
    assert not filters.matches(letter(key=b"k-2"))
    assert not filters.matches(letter(source=("orders", 1, 41)))
    assert not filters.matches(letter(time="2025-12-31T23:59:59+00:00"))
    assert not filters.matches(letter(time="2026-03-01T00:00:00+00:00"))
    assert parse_filters().matches(letter(source=None))


@pytest.mark.parametrize(
    ("since", "until", "partitions", "message"),
    [
        ("yesterday", None, [], "--since must be an ISO 8601 time"),
        (None, "2026-13-01", [], "--until must be an ISO 8601 time"),
        ("2026-02-01", "2026-01-01", [], "--until must be later than --since"),
        (None, None, ["two"], "--partition must be a partition number"),
        (None, None, ["-1"], "--partition must be a partition number"),
    ],
)
def test_a_filter_that_does_not_parse_is_bad_input(since, until, partitions, message):
    with pytest.raises(BadInput, match=message):
        parse_filters(since=since, until=until, partitions=partitions)


def test_a_time_without_a_zone_is_utc():
    assert parse_time("--since", "2026-01-31T12:00") == datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
    assert parse_time("--since", "2026-01-31T13:00+01:00") == datetime(2026, 1, 31, 12, 0, tzinfo=UTC)


def test_printable_shows_text_as_text_and_other_bytes_as_base64():
    assert printable(b"key-1") == "key-1"
    assert printable(b"\xff\x00") == "base64:/wA="
    assert printable(None) is None


KERNEL_MAIN = """
KERNEL_NAME = "orders-sink"
DEFAULT_TOPIC = "orders"
DEFAULT_GROUP = "orders-sink-group"

if __name__ == "__main__":
    raise SystemExit("the kernel must not start")
"""


@pytest.fixture
def kernel_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "main.py").write_text(KERNEL_MAIN)
    (tmp_path / ".env").write_text("KAFKA_BOOTSTRAP_SERVERS=localhost:9092\nDLQ_TOPIC=orders.dlq\n")
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "DLQ_TOPIC", "KAFKA_CONSUMER_GROUP", "KERNEL_IGNORE_DOTENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delitem(sys.modules, "main", raising=False)
    return tmp_path


def test_the_settings_are_the_kernels_from_main_py_and_dotenv(kernel_dir: Path):
    settings = load_kernel_settings(kernel_dir)

    assert (settings.kernel_name, settings.topic, settings.group) == ("orders-sink", "orders", "orders-sink-group")
    assert settings.dlq_topic == "orders.dlq"
    assert replay_group(settings) == "orders-sink-group.dlq-replay"
    assert transactional_id(settings, "orders.dlq") == "orders-sink-group.dlq-replay.orders.dlq"


def test_the_environment_wins_over_dotenv(kernel_dir: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KAFKA_CONSUMER_GROUP", "blue-group")

    assert load_kernel_settings(kernel_dir).group == "blue-group"


def test_no_main_py_is_a_usage_error(tmp_path: Path):
    with pytest.raises(OperateError) as raised:
        load_kernel_settings(tmp_path)
    assert raised.value.exit_code == 2


def test_no_dlq_topic_is_one_line_and_exit_2(kernel_dir: Path, capsys: pytest.CaptureFixture[str]):
    (kernel_dir / ".env").write_text("KAFKA_BOOTSTRAP_SERVERS=localhost:9092\n")

    assert main(["dlq", "stats", "--dir", str(kernel_dir)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "clustera-kernel dlq: DLQ_TOPIC is not set (in .env or the environment): there is no dead-letter topic"
    ]


def test_a_bad_filter_is_one_line_and_exit_2(kernel_dir: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["dlq", "replay", "--until", "soon", "--dir", str(kernel_dir)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_an_unreachable_cluster_is_one_line_after_the_connect_timeout(
    kernel_dir: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
):
    # Port 1 refuses at once: librdkafka retries it every few milliseconds, each retry one log line of its own.
    (kernel_dir / ".env").write_text(
        "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1\nDLQ_TOPIC=orders.dlq\nKAFKA_CONNECT_TIMEOUT_S=1\n"
    )

    assert main(["dlq", "stats", "--dir", str(kernel_dir)]) == 1

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "no answer from 127.0.0.1:1 within 1 s (KAFKA_CONNECT_TIMEOUT_S)" in err[0]
    assert [record for record in caplog.records if record.name == LIBRDKAFKA_LOGGER] == []
