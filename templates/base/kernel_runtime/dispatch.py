"""How a polled message gets processed: inline one at a time, or handed to workers with many in flight."""

import inspect
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from confluent_kafka import KafkaException

from .concurrent_dispatch import ConcurrentDispatch
from .errors import Interrupted, KernelFailure
from .message import Message
from .metrics import Metrics
from .processor import ProcessFunction
from .settings import Settings
from .shutdown import Shutdown
from .tracing import HandlesMessages
from .workers import AsyncLoop, AsyncWorkers, ThreadWorkers

log = logging.getLogger(__name__)

# Room left after draining in-flight work to commit and close before SHUTDOWN_TIMEOUT_S ends the process.
CLOSE_MARGIN_S = 2.0
_monotonic = time.monotonic


class Dispatch(Protocol):
    @property
    def failure(self) -> KernelFailure | None:
        """The first fatal error a worker raised; the loop stops and raises it."""

    def poll_timeout_s(self) -> float:
        """Called before every poll: stores finished offsets, applies backpressure, says how long to poll."""

    def take(self, raw: Any) -> bool:
        """Accepts one polled message; False when the loop must stop now."""

    def last_taken(self) -> Any | None:
        """The last polled message handed on, for the time-lag gauge."""

    def oldest_taken_at(self) -> float | None:
        """time.monotonic() when the oldest unfinished message was taken, for the in-flight age gauge."""

    def on_assign(self, partitions: list[Any]) -> None: ...

    def on_revoke(self, partitions: list[Any]) -> None: ...

    def on_lost(self, partitions: list[Any]) -> None: ...

    def drain(self) -> None:
        """Lets in-flight messages finish (bounded) and stores their offsets; nothing new starts."""


class SequentialDispatch:
    """MAX_IN_FLIGHT=1: process inline and store the offset right after, with nothing else in the way."""

    failure: KernelFailure | None = None

    def __init__(
        self,
        consumer: Any,
        handle: Callable[[Message], object],
        *,
        poll_timeout_s: float,
        close: Callable[[], None] | None = None,
    ) -> None:
        self._consumer = consumer
        self._handle = handle
        self._poll_timeout_s = poll_timeout_s
        self._close = close
        self._last_taken: Any | None = None
        self._taken_at: float | None = None

    def poll_timeout_s(self) -> float:
        return self._poll_timeout_s

    def last_taken(self) -> Any | None:
        return self._last_taken

    def oldest_taken_at(self) -> float | None:
        return self._taken_at

    def take(self, raw: Any) -> bool:
        self._last_taken = raw
        self._taken_at = _monotonic()
        try:
            self._handle(Message.from_kafka(raw))
        except Interrupted as interrupted:
            log.info("%s; it will be redelivered", interrupted)
            return False
        finally:
            self._taken_at = None
        try:
            self._consumer.store_offsets(message=raw)
        except KafkaException as error:
            # Happens when the partition was taken away meanwhile; its new owner redelivers the message.
            log.warning("Could not store offset %d of partition %d: %s", raw.offset(), raw.partition(), error)
        return True

    def on_assign(self, partitions: list[Any]) -> None:
        pass

    def on_revoke(self, partitions: list[Any]) -> None:
        pass

    def on_lost(self, partitions: list[Any]) -> None:
        pass

    def drain(self) -> None:
        if self._close is not None:
            self._close()


def create_dispatch(
    consumer: Any,
    processor: HandlesMessages,
    process_message: ProcessFunction,
    settings: Settings,
    metrics: Metrics,
    shutdown: Shutdown,
    *,
    poll_timeout_s: float,
) -> Dispatch:
    """An `async def process_message` runs on an event loop, a plain one in threads; one at a time stays inline."""
    loop = AsyncLoop() if inspect.iscoroutinefunction(process_message) else None
    if settings.max_in_flight == 1:
        if loop is None:
            return SequentialDispatch(consumer, processor.handle, poll_timeout_s=poll_timeout_s)
        running = loop
        return SequentialDispatch(
            consumer, lambda m: running.run(processor.handle_async(m)), poll_timeout_s=poll_timeout_s, close=loop.close
        )
    workers = (
        AsyncWorkers(processor.handle_async, loop)
        if loop is not None
        else ThreadWorkers(processor.handle, settings.max_in_flight)
    )
    return ConcurrentDispatch(
        consumer,
        workers,
        max_in_flight=settings.max_in_flight,
        ordering=settings.ordering,
        metrics=metrics,
        stop=shutdown.event,
        poll_timeout_s=poll_timeout_s,
        wait_timeout_s=max(settings.shutdown_timeout_s - CLOSE_MARGIN_S, settings.shutdown_timeout_s / 2),
    )
