"""The message handed to process_message: plain attributes instead of librdkafka's accessor methods."""

import json
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import TIMESTAMP_NOT_AVAILABLE

from .errors import SkipMessage

Headers = list[tuple[str, bytes | None]]


@dataclass(frozen=True, slots=True)
class Message:
    """One Kafka record; `timestamp` is milliseconds since the epoch, or None when the broker gave none."""

    topic: str
    partition: int
    offset: int
    key: bytes | None = None
    value: bytes | None = None
    timestamp: int | None = None
    headers: Headers = field(default_factory=list)

    @classmethod
    def from_kafka(cls, raw: Any) -> "Message":
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

    @property
    def ref(self) -> str:
        """Where the message lives, for logs and idempotency keys: <topic>-<partition>-<offset>."""
        return f"{self.topic}-{self.partition}-{self.offset}"

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
            return json.loads(self.text(), parse_constant=_reject_constant)
        except json.JSONDecodeError as error:
            raise SkipMessage(f"value is not JSON: {error}") from error


def _reject_constant(name: str) -> Any:
    # Python accepts NaN and Infinity, but no JSON consumer downstream (httpx, PostgreSQL, an API) does.
    raise SkipMessage(f"value is not strict JSON: it contains {name}")
