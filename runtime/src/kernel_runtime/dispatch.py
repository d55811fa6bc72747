"""How a polled message gets processed: inline one at a time, or handed to workers with many in flight."""

import inspect
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from confluent_kafka import KafkaException, TopicPartition

from .circuit import Circuit
from .concurrent_dispatch import ConcurrentDispatch
from .errors import CircuitWaiting, Interrupted, KernelFailure
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

    def paused_partitions(self) -> set[tuple[str, int]]:
        """Partitions not being fetched now (backpressure or an open circuit), for the lag gauge."""

    def on_assign(self, partitions: list[Any]) -> None: ...

    def on_revoke(self, partitions: list[Any]) -> None: ...

    def on_lost(self, partitions: list[Any]) -> None: ...

    def drain(self) -> None:
        """Lets in-flight messages finish (bounded) and stores their offsets; nothing new starts."""


class SequentialDispatch:
    """MAX_IN_FLIGHT=1: process inline and store the offset right after, with nothing else in the way.

    While the circuit is open the message is put back (seek) and the assignment paused, so polling goes on and the
    consumer stays in its group; at each probe time the partitions are resumed and the next message probes.
    """

    failure: KernelFailure | None = None

    def __init__(
        self,
        consumer: Any,
        handle: Callable[[Message], object],
        *,
        poll_timeout_s: float,
        close: Callable[[], None] | None = None,
        circuit: Circuit | None = None,
    ) -> None:
        self._consumer = consumer
        self._handle = handle
        self._poll_timeout_s = poll_timeout_s
        self._close = close
        self._circuit = circuit
        self._paused = False
        self._paused_keys: set[tuple[str, int]] = set()
        self._last_taken: Any | None = None
        self._taken_at: float | None = None

    def poll_timeout_s(self) -> float:
        if self._circuit is None or not (self._circuit.is_open or self._paused):
            return self._poll_timeout_s
        return self._hold_for_circuit(self._circuit)

    def last_taken(self) -> Any | None:
        return self._last_taken

    def oldest_taken_at(self) -> float | None:
        return self._taken_at

    def paused_partitions(self) -> set[tuple[str, int]]:
        return set(self._paused_keys)

    def take(self, raw: Any) -> bool:
        self._last_taken = raw
        self._taken_at = _monotonic()
        try:
            self._handle(Message.from_kafka(raw))
        except Interrupted as interrupted:
            log.info("%s; it will be redelivered", interrupted)
            return False
        except CircuitWaiting:
            self._put_back(raw)
            return True
        finally:
            self._taken_at = None
        try:
            self._consumer.store_offsets(message=raw)
        except KafkaException as error:
            # Happens when the partition was taken away meanwhile; its new owner redelivers the message.
            log.warning("Could not store offset %d of partition %d: %s", raw.offset(), raw.partition(), error)
        return True

    def _hold_for_circuit(self, circuit: Circuit) -> float:
        overdue = circuit.overdue()
        if overdue is not None:
            raise overdue
        if not circuit.is_open:
            self._set_paused(False)
            return self._poll_timeout_s
        due_in_s = circuit.probe_due_in_s()
        # Resumed at probe time: whichever message comes next is the probe.
        self._set_paused(due_in_s > 0)
        return min(self._poll_timeout_s, max(due_in_s, 0.01))

    def _put_back(self, raw: Any) -> None:
        try:
            self._consumer.seek(TopicPartition(raw.topic(), raw.partition(), raw.offset()))
        except KafkaException as error:
            log.warning("Could not put %s[%d] back at %d: %s", raw.topic(), raw.partition(), raw.offset(), error)
        self._set_paused(True)

    def _set_paused(self, paused: bool) -> None:
        # Paused again on every poll while open: partitions assigned meanwhile start unpaused.
        if not paused and not self._paused:
            return
        try:
            assignment = self._consumer.assignment()
            if paused:
                self._consumer.pause(assignment)
            else:
                self._consumer.resume(assignment)
        except KafkaException as error:
            log.warning("Could not %s partitions for the circuit: %s", "pause" if paused else "resume", error)
            assignment = []
        self._paused = paused
        self._paused_keys = {(p.topic, p.partition) for p in assignment} if paused else set()

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
    circuit: Circuit | None,
) -> Dispatch:
    """An `async def process_message` runs on an event loop, a plain one in threads; one at a time stays inline.

    `processor` may be wrapped (tracing), so the circuit it shares with the dispatch is passed on its own.
    """
    loop = AsyncLoop() if inspect.iscoroutinefunction(process_message) else None
    if settings.max_in_flight == 1:
        if loop is None:
            return SequentialDispatch(consumer, processor.handle, poll_timeout_s=poll_timeout_s, circuit=circuit)
        running = loop
        return SequentialDispatch(
            consumer,
            lambda m: running.run(processor.handle_async(m)),
            poll_timeout_s=poll_timeout_s,
            close=loop.close,
            circuit=circuit,
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
        circuit=circuit,
        wait_timeout_s=max(settings.shutdown_timeout_s - CLOSE_MARGIN_S, settings.shutdown_timeout_s / 2),
    )
