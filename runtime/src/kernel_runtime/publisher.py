"""Produce a message and wait for its own acknowledgement, so its input offset can be committed safely."""

import asyncio
import concurrent.futures
import threading
from typing import Any

from confluent_kafka import KafkaError, KafkaException

from . import tracing
from .errors import PublishFailed, RetryableError, SkipMessage
from .message import Headers

# Matches delivery.timeout.ms in the producer configuration plus a margin for the acknowledgement to arrive.
ACK_TIMEOUT_S = 35.0
# How long the delivery thread waits for an acknowledgement before checking whether it should stop.
DELIVERY_POLL_S = 0.2


class Publisher:
    """Wraps a confluent_kafka.Producer (or a test double with produce/poll/flush).

    A background thread serves delivery reports, so each caller waits for its own message only and many
    messages in flight can each be acknowledged on their own.
    """

    def __init__(self, producer: Any, ack_timeout_s: float = ACK_TIMEOUT_S) -> None:
        self._producer = producer
        self._ack_timeout_s = ack_timeout_s
        self._closing = threading.Event()
        self._start_lock = threading.Lock()
        self._delivery_thread: threading.Thread | None = None

    def send(
        self,
        topic: str,
        value: bytes | None,
        *,
        key: bytes | None = None,
        headers: Headers | None = None,
        timestamp: int | None = None,
    ) -> "concurrent.futures.Future[None]":
        """Hands the message to the producer; the future completes when Kafka acknowledged or refused it.

        `timestamp` (milliseconds since the epoch) keeps a message's own time, as a dead letter does; None: now.
        """
        acknowledged: concurrent.futures.Future[None] = concurrent.futures.Future()

        def on_delivery(error: KafkaError | None, _message: object) -> None:
            if error is None:
                acknowledged.set_result(None)
            else:
                acknowledged.set_exception(_classify(topic, error))

        def produce(carried: Headers) -> None:
            if timestamp is None:
                self._producer.produce(topic, value=value, key=key, headers=carried, on_delivery=on_delivery)
            else:
                self._producer.produce(
                    topic, value=value, key=key, headers=carried, on_delivery=on_delivery, timestamp=timestamp
                )

        try:
            tracing.outgoing(topic, headers, produce)
        except BufferError as error:
            raise RetryableError(f"producer queue is full: {error}") from error
        except KafkaException as error:
            raise _classify(topic, error.args[0]) from error
        self._serve_deliveries()
        return acknowledged

    def publish(
        self,
        topic: str,
        value: bytes | None,
        *,
        key: bytes | None = None,
        headers: Headers | None = None,
        timestamp: int | None = None,
    ) -> None:
        """Returns once the broker has the message; RetryableError when it may work later, PublishFailed if not."""
        acknowledged = self.send(topic, value, key=key, headers=headers, timestamp=timestamp)
        try:
            acknowledged.result(self._ack_timeout_s)
        except concurrent.futures.TimeoutError as error:
            raise self._no_ack(topic) from error

    async def publish_async(
        self,
        topic: str,
        value: bytes | None,
        *,
        key: bytes | None = None,
        headers: Headers | None = None,
        timestamp: int | None = None,
    ) -> None:
        """publish for an `async def process_message`: the event loop keeps running while Kafka acknowledges."""
        acknowledged = asyncio.wrap_future(self.send(topic, value, key=key, headers=headers, timestamp=timestamp))
        try:
            await asyncio.wait_for(acknowledged, self._ack_timeout_s)
        except TimeoutError as error:
            raise self._no_ack(topic) from error

    def _no_ack(self, topic: str) -> RetryableError:
        return RetryableError(f"no acknowledgement from Kafka for {topic} within {self._ack_timeout_s:.0f}s")

    def _serve_deliveries(self) -> None:
        if self._delivery_thread is not None:
            return
        with self._start_lock:
            if self._delivery_thread is None:
                thread = threading.Thread(target=self._deliver, name="producer-deliveries", daemon=True)
                thread.start()
                self._delivery_thread = thread

    def _deliver(self) -> None:
        while not self._closing.is_set():
            self._producer.poll(DELIVERY_POLL_S)

    def close(self) -> None:
        self._closing.set()
        if self._delivery_thread is not None:
            self._delivery_thread.join()
        self._producer.flush(self._ack_timeout_s)


def _classify(topic: str, error: KafkaError) -> Exception:
    reason = f"Kafka did not accept the message for {topic}: {error}"
    if error.code() == KafkaError.MSG_SIZE_TOO_LARGE:
        return SkipMessage(reason)
    if error.retriable() or error.code() in (KafkaError._MSG_TIMED_OUT, KafkaError._TIMED_OUT, KafkaError._TRANSPORT):
        return RetryableError(reason)
    return PublishFailed(reason)
