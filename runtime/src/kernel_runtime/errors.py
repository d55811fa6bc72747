"""Exceptions that steer how the runtime treats a message, and why a kernel stops."""


class RetryableError(Exception):
    """A temporary failure: the message is retried with backoff, then dead-lettered or the kernel stops."""

    def __init__(self, reason: str = "retryable error", *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class DependencyUnavailable(RetryableError):
    """The dependency itself failed (connection refused, timeout, 5xx, 429), not this message.

    Many in a row open the circuit: intake pauses and nothing is dead-lettered until the dependency answers again.
    """

    def __init__(
        self,
        reason: str = "dependency unavailable",
        *,
        dependency: str = "dependency",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason, retry_after=retry_after)
        self.dependency = dependency


class SkipMessage(Exception):
    """The message can never succeed: it is dead-lettered when DLQ_TOPIC is set, else logged and skipped."""


class SchemaViolation(SkipMessage):
    """The value is not UTF-8, not JSON, not Avro, or breaks the kernel's schema: it never reaches process_message.

    reason: not-utf8, not-json, not-avro or schema; fields: the first failing fields, as dotted paths.
    """

    def __init__(self, reason: str, detail: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.fields = fields


class ConfigError(Exception):
    """The environment is invalid; carries every problem so the operator can fix them in one go."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class KernelFailure(Exception):
    """The kernel must stop with a non-zero exit code; offsets of finished messages are still committed."""


class ProcessingFailed(KernelFailure):
    """process_message raised an unexpected exception."""


class RetriesExhausted(KernelFailure):
    """A message failed MAX_ATTEMPTS times and there is no dead-letter topic to park it in."""


class PublishFailed(KernelFailure):
    """Kafka refused a produced message for a reason retrying cannot fix."""


class KafkaUnavailable(KernelFailure):
    """No broker could be reached (network, TLS or authentication) within KAFKA_CONNECT_TIMEOUT_S."""


class DependencyOutageTooLong(KernelFailure):
    """The circuit stayed open longer than CIRCUIT_MAX_OPEN_S; exiting lets an orchestrator alert and restart."""


class Interrupted(Exception):
    """Shutdown was requested while a message was waiting for its next attempt."""


class CircuitWaiting(Exception):
    """The circuit is open and it is not this message's turn to probe; it is delivered again later."""
