"""Many messages in flight: per-key or per-partition order, contiguous-prefix offsets, pause when the window is full."""

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from confluent_kafka import KafkaException, TopicPartition

from .errors import Interrupted, KernelFailure
from .message import Message
from .metrics import Metrics
from .offsets import PartitionOffsets
from .workers import Workers

log = logging.getLogger(__name__)

PartitionKey = tuple[str, int]
# (topic, partition) under ORDERING=partition, (topic, partition, key) under ORDERING=key.
Lane = tuple[str, int] | tuple[str, int, bytes]
# Poll briefly while work is in flight, so finished offsets are stored soon after they finish.
BUSY_POLL_TIMEOUT_S = 0.05


@dataclass(slots=True)
class _Taken:
    message: Message
    offsets: PartitionOffsets
    lane: Lane | None


class ConcurrentDispatch:
    """The consumer thread calls take/poll_timeout_s/on_*; workers report back through _settle under one lock."""

    def __init__(
        self,
        consumer: Any,
        workers: Workers,
        *,
        max_in_flight: int,
        ordering: str,
        metrics: Metrics,
        stop: threading.Event,
        poll_timeout_s: float,
        wait_timeout_s: float,
    ) -> None:
        self._consumer = consumer
        self._workers = workers
        self._max_in_flight = max_in_flight
        # Resuming only once half the window is free avoids pausing and resuming after every message.
        self._resume_at = max_in_flight // 2
        self._ordering = ordering
        self._metrics = metrics
        self._stop = stop
        self._poll_timeout_s = poll_timeout_s
        self._wait_timeout_s = wait_timeout_s
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._partitions: dict[PartitionKey, PartitionOffsets] = {}
        self._stored: dict[PartitionKey, int] = {}
        # A lane present here has a message running; its deque holds the messages waiting behind it.
        self._lanes: dict[Lane, deque[_Taken]] = {}
        self._in_flight = 0
        self._paused = False
        self._draining = False
        self._failure: KernelFailure | None = None

    @property
    def failure(self) -> KernelFailure | None:
        return self._failure

    def poll_timeout_s(self) -> float:
        self._store_finished()
        with self._lock:
            in_flight = self._in_flight
        if self._paused:
            if in_flight > self._resume_at:
                self._wait_for_room(self._resume_at)
                # Polling without waiting keeps the consumer in its group while the partitions are paused.
                return 0.0
            self._set_paused(False)
        elif in_flight >= self._max_in_flight and not self._wait_for_room(self._max_in_flight - 1):
            # A slot usually frees within milliseconds; only a window that stays full pays for a pause,
            # because librdkafka needs up to a fetch wait (~0.5 s) to deliver again after a resume.
            self._set_paused(True)
            return 0.0
        return BUSY_POLL_TIMEOUT_S if in_flight else self._poll_timeout_s

    def take(self, raw: Any) -> bool:
        if self._stop.is_set():
            # Polled after a stop request: left unprocessed and uncommitted, so it is redelivered.
            return False
        message = Message.from_kafka(raw)
        lane = self._lane_of(message)
        with self._lock:
            key = (message.topic, message.partition)
            offsets = self._partitions.get(key)
            if offsets is None:
                offsets = self._partitions[key] = PartitionOffsets()
            offsets.take(message.offset)
            self._in_flight += 1
            taken = _Taken(message, offsets, lane)
            if lane is not None:
                waiting = self._lanes.get(lane)
                if waiting is not None:
                    waiting.append(taken)
                    return True
                self._lanes[lane] = deque()
        self._start(taken)
        return True

    def on_assign(self) -> None:
        # Newly assigned partitions start unpaused; the next poll pauses them again if the window is still full.
        self._paused = False

    def on_revoke(self, partitions: list[Any]) -> None:
        """Waits (bounded) for the revoked partitions' running messages, then stores their offsets."""
        keys = {(p.topic, p.partition) for p in partitions}
        with self._lock:
            self._drop_waiting(keys)
            settled = self._changed.wait_for(lambda: self._active(keys) == 0, self._wait_timeout_s)
            unfinished = self._active(keys)
        if not settled:
            log.warning(
                "%d message(s) of revoked partitions still running; their next owner redelivers them", unfinished
            )
        self._store_finished()
        self._forget(keys)

    def on_lost(self, partitions: list[Any]) -> None:
        """The partitions already belong to another consumer: results still coming in are not committed."""
        keys = {(p.topic, p.partition) for p in partitions}
        with self._lock:
            self._drop_waiting(keys)
        self._forget(keys)

    def drain(self) -> None:
        with self._lock:
            self._draining = True
            self._drop_waiting(None)
            settled = self._changed.wait_for(lambda: self._in_flight == 0, self._wait_timeout_s)
            unfinished = self._in_flight
        if not settled:
            log.warning(
                "%d message(s) still running after %gs stay uncommitted and will be redelivered",
                unfinished,
                self._wait_timeout_s,
            )
        self._store_finished()
        self._workers.close()

    def _lane_of(self, message: Message) -> Lane | None:
        if self._ordering == "partition":
            return (message.topic, message.partition)
        if self._ordering == "key" and message.key is not None:
            return (message.topic, message.partition, message.key)
        # ORDERING=none, or a message without a key: nothing to keep in order.
        return None

    def _start(self, taken: _Taken) -> None:
        self._workers.start(taken.message, lambda error: self._settle(taken, error))

    def _settle(self, taken: _Taken, error: BaseException | None) -> None:
        """Called by a worker: the message finished (error None) or did not; starts the next one of its lane."""
        if error is not None:
            self._record(taken.message, error)
        with self._lock:
            if error is None:
                taken.offsets.finish(taken.message.offset)
            taken.offsets.active -= 1
            self._in_flight -= 1
            successor = self._next_in_lane(taken, error is None)
            self._changed.notify_all()
        if successor is not None:
            self._start(successor)

    def _next_in_lane(self, taken: _Taken, finished: bool) -> _Taken | None:
        if taken.lane is None:
            return None
        waiting = self._lanes[taken.lane]
        if waiting and finished and not self._stop.is_set() and not self._draining:
            return waiting.popleft()
        # After a failure or a stop, the messages behind it stay unprocessed and uncommitted: they are redelivered.
        self._drop(waiting)
        del self._lanes[taken.lane]
        return None

    def _record(self, message: Message, error: BaseException) -> None:
        if isinstance(error, Interrupted):
            log.info("%s; it will be redelivered", error)
            return
        failure = (
            error if isinstance(error, KernelFailure) else KernelFailure(f"processing {message.ref} failed: {error!r}")
        )
        with self._lock:
            if self._failure is None:
                self._failure = failure
        # Stops intake; messages already running may finish, and their offsets up to the failed one are committed.
        self._stop.set()

    def _drop(self, waiting: deque[_Taken]) -> None:
        for taken in waiting:
            taken.offsets.active -= 1
            self._in_flight -= 1
        waiting.clear()

    def _drop_waiting(self, keys: set[PartitionKey] | None) -> None:
        for lane, waiting in self._lanes.items():
            if keys is None or (lane[0], lane[1]) in keys:
                self._drop(waiting)
        self._changed.notify_all()

    def _active(self, keys: set[PartitionKey]) -> int:
        return sum(self._partitions[key].active for key in keys if key in self._partitions)

    def _forget(self, keys: set[PartitionKey]) -> None:
        with self._lock:
            for key in keys:
                self._partitions.pop(key, None)
                self._stored.pop(key, None)

    def _wait_for_room(self, most: int) -> bool:
        """Waits (at most one poll timeout) until no more than `most` messages are in flight."""
        started = time.monotonic()
        with self._lock:
            room = self._changed.wait_for(lambda: self._in_flight <= most or self._stop.is_set(), self._poll_timeout_s)
        self._metrics.add_backpressure_wait(time.monotonic() - started)
        return room

    def _set_paused(self, paused: bool) -> None:
        partitions = self._consumer.assignment()
        try:
            if paused:
                self._consumer.pause(partitions)
            else:
                self._consumer.resume(partitions)
        except KafkaException as error:
            log.warning("Could not %s partitions: %s", "pause" if paused else "resume", error)
        self._paused = paused

    def _store_finished(self) -> None:
        """Stores the end of each partition's finished prefix; librdkafka commits it in the background."""
        with self._lock:
            moved = [
                (key, offsets.safe)
                for key, offsets in self._partitions.items()
                if offsets.safe is not None and offsets.safe != self._stored.get(key)
            ]
            for key, safe in moved:
                self._stored[key] = safe
            gaps = {key: offsets.gap for key, offsets in self._partitions.items()}
            in_flight = self._in_flight
        self._metrics.set_in_flight(in_flight, gaps)
        if not moved:
            return
        try:
            self._consumer.store_offsets(
                offsets=[TopicPartition(topic, partition, safe) for (topic, partition), safe in moved]
            )
        except KafkaException as error:
            log.warning("Could not store offsets: %s", error)
