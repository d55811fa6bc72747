"""Parks a message that cannot be processed in DLQ_TOPIC, with headers saying where it came from and why.

A dead letter keeps the message's key, value, headers and timestamp, so `clustera-kernel dlq replay` can send it back
as it was. It also names the message's origin (origin.*): where it was first consumed, the same as its dlq.source.*
the first time, and carried unchanged when a replayed message (which has origin.* already) is dead-lettered again.
"""

from datetime import UTC, datetime

from . import tracing
from .errors import PublishFailed, SchemaViolation
from .facts import DEAD_LETTER_HEADERS as HEADERS
from .facts import ORIGIN_HEADERS
from .message import Headers, Message
from .publisher import Publisher

MAX_ERROR_MESSAGE_CHARS = 1000


class DeadLetters:
    def __init__(self, publisher: Publisher, topic: str, group: str) -> None:
        self._publisher = publisher
        self.topic = topic
        self._group = group

    def send(self, message: Message, error: BaseException, attempts: int) -> None:
        """Returns once the broker acknowledged the copy; raises PublishFailed otherwise (nothing is committed)."""
        try:
            self._publisher.publish(
                self.topic,
                message.value,
                key=message.key,
                headers=self._headers(message, error, attempts),
                timestamp=message.timestamp,
            )
        except Exception as failure:
            raise self._failed(message, failure) from failure

    async def send_async(self, message: Message, error: BaseException, attempts: int) -> None:
        """Like send, but waits for the acknowledgement without blocking the event loop."""
        try:
            await self._publisher.publish_async(
                self.topic,
                message.value,
                key=message.key,
                headers=self._headers(message, error, attempts),
                timestamp=message.timestamp,
            )
        except Exception as failure:
            raise self._failed(message, failure) from failure

    def _headers(self, message: Message, error: BaseException, attempts: int) -> Headers:
        return [*message.headers, *dead_letter_headers(message, error, attempts, self._group)]

    def _failed(self, message: Message, failure: Exception) -> PublishFailed:
        return PublishFailed(f"could not write {message.ref} to dead-letter topic {self.topic}: {failure}")


def dead_letter_headers(message: Message, error: BaseException, attempts: int, group: str) -> Headers:
    fields = {
        HEADERS["sourceTopic"]: message.topic,
        HEADERS["sourcePartition"]: str(message.partition),
        HEADERS["sourceOffset"]: str(message.offset),
        HEADERS["group"]: group,
        HEADERS["errorClass"]: type(error).__name__,
        HEADERS["errorMessage"]: str(error)[:MAX_ERROR_MESSAGE_CHARS],
        HEADERS["attempts"]: str(attempts),
        HEADERS["time"]: datetime.now(UTC).isoformat(timespec="milliseconds"),
    }
    if isinstance(error, SchemaViolation):
        # A consumer of the DLQ can tell bad data from a failed dependency without parsing error.message.
        fields[HEADERS["schemaFailure"]] = error.reason
        fields[HEADERS["schemaFields"]] = ",".join(error.fields)
    # Finds the message's trace in the tracing backend without parsing traceparent.
    trace_id = tracing.current_trace_id()
    if trace_id is not None:
        fields[HEADERS["traceId"]] = trace_id
    if not has_origin(message.headers):
        fields[ORIGIN_HEADERS["topic"]] = message.topic
        fields[ORIGIN_HEADERS["partition"]] = str(message.partition)
        fields[ORIGIN_HEADERS["offset"]] = str(message.offset)
    return [(name, value.encode("utf-8")) for name, value in fields.items()]


def has_origin(headers: Headers) -> bool:
    """Whether the headers name an origin already (a replayed message): then it is kept as it is, never replaced."""
    names = {name for name, _ in headers}
    return any(name in names for name in ORIGIN_HEADERS.values())
