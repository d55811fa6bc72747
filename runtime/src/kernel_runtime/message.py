"""The message handed to process_message: plain attributes instead of librdkafka's accessor methods."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic

from confluent_kafka import TIMESTAMP_NOT_AVAILABLE
from typing_extensions import TypeVar

from .errors import SkipMessage
from .facts import ORIGIN_HEADERS, REPLAY_HEADERS

Headers = list[tuple[str, bytes | None]]
# A plain `Message` is `Message[Any]`: kernels without a schema annotate nothing new.
PayloadT = TypeVar("PayloadT", default=Any)


@dataclass(frozen=True, slots=True)
class Message(Generic[PayloadT]):
    """One Kafka record; `timestamp` is milliseconds since the epoch, or None when the broker gave none.

    With a schema, `payload` is the value decoded and validated as the schema's model (see schema.py); else None.
    """

    topic: str
    partition: int
    offset: int
    key: bytes | None = None
    value: bytes | None = None
    timestamp: int | None = None
    headers: Headers = field(default_factory=list)
    payload: PayloadT = None  # type: ignore[assignment]

    @classmethod
    def from_kafka(cls, raw: Any) -> "Message[Any]":
        timestamp_type, timestamp = raw.timestamp()
        headers = raw.headers()
        message = _new(cls)
        _set_topic(message, raw.topic())
        _set_partition(message, raw.partition())
        _set_offset(message, raw.offset())
        _set_key(message, raw.key())
        _set_value(message, raw.value())
        _set_timestamp(message, None if timestamp_type == TIMESTAMP_NOT_AVAILABLE else timestamp)
        _set_headers(message, [] if headers is None else headers)
        _set_payload(message, None)
        return message

    @property
    def ref(self) -> str:
        """Where the message lives, for logs and idempotency keys: <topic>-<partition>-<offset>."""
        return f"{self.topic}-{self.partition}-{self.offset}"

    @property
    def origin(self) -> tuple[str, int, int]:
        """(topic, partition, offset) where the message was first consumed: its own place, or for a message that
        `clustera-kernel dlq replay` sent back (origin.* and replay.* headers), the place it was dead-lettered from.
        """
        return _origin(self.headers) or (self.topic, self.partition, self.offset)

    @property
    def origin_ref(self) -> str:
        """An idempotency key that a replay keeps: <topic>-<partition>-<offset> of the origin (`ref` otherwise)."""
        topic, partition, offset = self.origin
        return f"{topic}-{partition}-{offset}"

    def text(self) -> str:
        """The value as UTF-8 text; raises SkipMessage when it is empty or not UTF-8."""
        if self.value is None:
            raise SkipMessage("message has no value")
        try:
            return self.value.decode("utf-8")
        except UnicodeDecodeError as error:
            raise SkipMessage(f"value is not UTF-8: {error}") from error

    def json(self) -> Any:
        """The value parsed as strict JSON; raises SkipMessage when it is not, so it is never retried."""
        try:
            return _STRICT_JSON.decode(self.text())
        except json.JSONDecodeError as error:
            raise SkipMessage(f"value is not JSON: {error}") from error


_ORIGIN_NAMES = (ORIGIN_HEADERS["topic"], ORIGIN_HEADERS["partition"], ORIGIN_HEADERS["offset"])
_REPLAY_COUNT = REPLAY_HEADERS["count"]


def _origin(headers: Headers) -> tuple[str, int, int] | None:
    """The origin.* coordinates of a replayed message (it also has replay.count); None for any other message."""
    if not headers:
        return None
    found = {name: value for name, value in headers if name in _ORIGIN_NAMES or name == _REPLAY_COUNT}
    if _REPLAY_COUNT not in found:
        return None
    topic, partition, offset = (found.get(name) for name in _ORIGIN_NAMES)
    if not topic or partition is None or offset is None:
        return None
    try:
        return topic.decode("utf-8"), int(partition), int(offset)
    except (UnicodeDecodeError, ValueError):
        return None


# Filling the slots directly: a frozen dataclass's __init__ pays one object.__setattr__ call per field, per message.
_new = object.__new__
_FIELDS = ("topic", "partition", "offset", "key", "value", "timestamp", "headers", "payload")
_set_topic, _set_partition, _set_offset, _set_key, _set_value, _set_timestamp, _set_headers, _set_payload = (
    getattr(Message, name).__set__ for name in _FIELDS
)


# The schema sets the decoded value on the message it was decoded from (the runtime's one write after creation);
# the slot's own setter, so the per-message path makes no extra call.
set_payload: Callable[[Message[Any], object], None] = _set_payload


def _reject_constant(name: str) -> Any:
    # Python accepts NaN and Infinity, but no JSON consumer downstream (an HTTP API, PostgreSQL, a model) does.
    raise SkipMessage(f"value is not strict JSON: it contains {name}")


# Made once: json.loads with any keyword argument builds a new decoder for every call.
_STRICT_JSON = json.JSONDecoder(parse_constant=_reject_constant)
