"""A dead letter as `clustera-kernel dlq` reads it, the filters it takes, and the headers a replay sends with it.

Pure functions over records already read: no Kafka client here, so every rule is unit-tested without a broker.
"""

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from confluent_kafka import TIMESTAMP_NOT_AVAILABLE

from ..facts import DEAD_LETTER_HEADERS, ORIGIN_HEADERS, REPLAY_HEADERS
from ..message import Headers

DLQ_PREFIX = "dlq."
# Headers a replay never sends on as the message's own: the dead letter's (dlq.*) and the previous replay's, which it
# replaces; origin.* is set again from the dead letter, so it is never doubled.
NOT_ORIGINAL = (DLQ_PREFIX, "replay.", "origin.")
assert all(name.startswith(NOT_ORIGINAL) for name in (*REPLAY_HEADERS.values(), *ORIGIN_HEADERS.values()))
assert all(name.startswith(DLQ_PREFIX) for name in DEAD_LETTER_HEADERS.values())


class BadInput(ValueError):
    """A filter or option that does not parse: one line, exit 2, nothing read or sent."""


@dataclass(frozen=True)
class Coordinates:
    topic: str
    partition: int
    offset: int

    def __str__(self) -> str:
        return f"{self.topic}[{self.partition}]@{self.offset}"


@dataclass(frozen=True)
class DeadLetter:
    """One record of the DLQ: its own coordinates, the message it holds, and what its headers say."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    # The original message's timestamp (milliseconds) as the dead letter kept it; None when the broker gave none.
    timestamp: int | None
    headers: Headers

    @classmethod
    def from_kafka(cls, raw: Any) -> "DeadLetter":
        timestamp_type, timestamp = raw.timestamp()
        return cls(
            topic=raw.topic(),
            partition=raw.partition(),
            offset=raw.offset(),
            key=raw.key(),
            value=raw.value(),
            timestamp=None if timestamp_type == TIMESTAMP_NOT_AVAILABLE else timestamp,
            headers=list(raw.headers() or []),
        )

    def header(self, name: str) -> str | None:
        """The last value of a header as text (a replayed message's dead letter may carry older ones first)."""
        values = [value for key, value in self.headers if key == name]
        if not values or values[-1] is None:
            return None
        return values[-1].decode("utf-8", errors="replace")

    @property
    def ref(self) -> str:
        return f"{self.topic}[{self.partition}]@{self.offset}"

    @property
    def source(self) -> Coordinates | None:
        """Where the kernel consumed the message that it dead-lettered; None without the dlq.source.* headers."""
        return _coordinates(
            self,
            DEAD_LETTER_HEADERS["sourceTopic"],
            DEAD_LETTER_HEADERS["sourcePartition"],
            DEAD_LETTER_HEADERS["sourceOffset"],
        )

    @property
    def origin(self) -> Coordinates | None:
        """Where the message was first consumed: its origin.* headers, else (an older kernel's letter) its source."""
        named = _coordinates(self, ORIGIN_HEADERS["topic"], ORIGIN_HEADERS["partition"], ORIGIN_HEADERS["offset"])
        return named or self.source

    @property
    def error_class(self) -> str:
        return self.header(DEAD_LETTER_HEADERS["errorClass"]) or "unknown"

    @property
    def error_message(self) -> str:
        return self.header(DEAD_LETTER_HEADERS["errorMessage"]) or ""

    @property
    def attempts(self) -> int | None:
        return _integer(self.header(DEAD_LETTER_HEADERS["attempts"]))

    @property
    def replay_count(self) -> int:
        """How often the message was replayed before it came back here (0 for a first dead-lettering)."""
        return _integer(self.header(REPLAY_HEADERS["count"])) or 0

    @property
    def time(self) -> datetime | None:
        """When it was dead-lettered (dlq.time), else the record's timestamp."""
        text = self.header(DEAD_LETTER_HEADERS["time"])
        if text is not None:
            try:
                return _as_utc(datetime.fromisoformat(text))
            except ValueError:
                pass
        if self.timestamp is None:
            return None
        return datetime.fromtimestamp(self.timestamp / 1000, UTC)

    def original_headers(self) -> Headers:
        """The message's own headers, in order: without dlq.*, and without the origin and replay ones a replay sets."""
        return [(name, value) for name, value in self.headers if not name.startswith(NOT_ORIGINAL)]

    def is_parked(self, max_replays: int) -> bool:
        return self.replay_count >= max_replays


@dataclass(frozen=True)
class Filters:
    """Which dead letters a command takes; every one given must match. Partition is the source partition."""

    error_classes: frozenset[str] = frozenset()
    since: datetime | None = None
    until: datetime | None = None
    keys: frozenset[bytes] = frozenset()
    partitions: frozenset[int] = frozenset()

    def matches(self, letter: DeadLetter) -> bool:
        if self.error_classes and letter.error_class not in self.error_classes:
            return False
        if self.keys and letter.key not in self.keys:
            return False
        if self.partitions:
            source = letter.source
            if source is None or source.partition not in self.partitions:
                return False
        if self.since is not None or self.until is not None:
            time = letter.time
            if time is None:
                return False
            if self.since is not None and time < self.since:
                return False
            if self.until is not None and time >= self.until:
                return False
        return True


def parse_filters(
    error_classes: Iterable[str] = (),
    since: str | None = None,
    until: str | None = None,
    keys: Iterable[str] = (),
    partitions: Iterable[str] = (),
) -> Filters:
    """Filters from command-line text; BadInput naming the option when one does not parse."""
    start = parse_time("--since", since) if since is not None else None
    end = parse_time("--until", until) if until is not None else None
    if start is not None and end is not None and end <= start:
        raise BadInput(f"--until must be later than --since (got {until!r} and {since!r})")
    return Filters(
        error_classes=frozenset(_split(error_classes)),
        since=start,
        until=end,
        keys=frozenset(key.encode("utf-8") for key in keys),
        partitions=frozenset(_partition(text) for text in _split(partitions)),
    )


def parse_time(option: str, text: str) -> datetime:
    """ISO 8601, such as 2026-01-31T12:00:00Z or 2026-01-31 (midnight); without a zone it is UTC."""
    try:
        return _as_utc(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise BadInput(f"{option} must be an ISO 8601 time such as 2026-01-31T12:00:00Z (got {text!r})") from None


def replay_headers(letter: DeadLetter, replay_id: str, now: datetime) -> Headers:
    """The headers a replay sends: the message's own, byte for byte, then its origin and this replay's."""
    headers = letter.original_headers()
    origin = letter.origin
    if origin is not None:
        headers += [
            (ORIGIN_HEADERS["topic"], origin.topic.encode("utf-8")),
            (ORIGIN_HEADERS["partition"], str(origin.partition).encode("utf-8")),
            (ORIGIN_HEADERS["offset"], str(origin.offset).encode("utf-8")),
        ]
    replay = {
        REPLAY_HEADERS["id"]: replay_id,
        REPLAY_HEADERS["count"]: str(letter.replay_count + 1),
        REPLAY_HEADERS["time"]: _as_utc(now).isoformat(timespec="milliseconds"),
        REPLAY_HEADERS["dlqTopic"]: letter.topic,
        REPLAY_HEADERS["dlqPartition"]: str(letter.partition),
        REPLAY_HEADERS["dlqOffset"]: str(letter.offset),
    }
    return headers + [(name, value.encode("utf-8")) for name, value in replay.items()]


def printable(data: bytes | None) -> str | None:
    """Text as it is when it is UTF-8, else base64 with a `base64:` prefix."""
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(data).decode("ascii")


def _coordinates(letter: DeadLetter, topic: str, partition: str, offset: str) -> Coordinates | None:
    name = letter.header(topic)
    number = _integer(letter.header(partition))
    position = _integer(letter.header(offset))
    if not name or number is None or position is None or number < 0 or position < 0:
        return None
    return Coordinates(name, number, position)


def _integer(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def _as_utc(time: datetime) -> datetime:
    return time.replace(tzinfo=UTC) if time.tzinfo is None else time.astimezone(UTC)


def _split(values: Iterable[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _partition(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < 0:
        raise BadInput(f"--partition must be a partition number, 0 or more (got {text!r})")
    return number
