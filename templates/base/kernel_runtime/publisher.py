"""Produce a message and wait until Kafka acknowledges it, so its input offset can be committed safely."""

from typing import Any

from confluent_kafka import KafkaError, KafkaException

from .errors import PublishFailed, RetryableError, SkipMessage
from .message import Headers

# Matches delivery.timeout.ms in the producer configuration plus a margin for the acknowledgement to arrive.
ACK_TIMEOUT_S = 35.0


class Publisher:
    """Wraps a confluent_kafka.Producer (or a test double with produce/flush)."""

    def __init__(self, producer: Any, ack_timeout_s: float = ACK_TIMEOUT_S) -> None:
        self._producer = producer
        self._ack_timeout_s = ack_timeout_s

    def publish(
        self,
        topic: str,
        value: bytes | None,
        *,
        key: bytes | None = None,
        headers: Headers | None = None,
    ) -> None:
        """Returns once the broker has the message; RetryableError when it may work later, PublishFailed if not."""
        outcome: list[KafkaError | None] = []
        try:
            self._producer.produce(
                topic,
                value=value,
                key=key,
                headers=headers or [],
                on_delivery=lambda error, _message: outcome.append(error),
            )
        except BufferError as error:
            raise RetryableError(f"producer queue is full: {error}") from error
        except KafkaException as error:
            raise _classify(topic, error.args[0]) from error
        self._producer.flush(self._ack_timeout_s)
        if not outcome:
            raise RetryableError(f"no acknowledgement from Kafka for {topic} within {self._ack_timeout_s:.0f}s")
        if outcome[0] is not None:
            raise _classify(topic, outcome[0])

    def close(self) -> None:
        self._producer.flush(self._ack_timeout_s)


def _classify(topic: str, error: KafkaError) -> Exception:
    reason = f"Kafka did not accept the message for {topic}: {error}"
    if error.code() == KafkaError.MSG_SIZE_TOO_LARGE:
        return SkipMessage(reason)
    if error.retriable() or error.code() in (KafkaError._MSG_TIMED_OUT, KafkaError._TIMED_OUT, KafkaError._TRANSPORT):
        return RetryableError(reason)
    return PublishFailed(reason)
