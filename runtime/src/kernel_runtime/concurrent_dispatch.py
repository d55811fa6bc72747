"""Many messages in flight: per-key or per-partition order, contiguous-prefix offsets, per-partition pauses."""

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from confluent_kafka import KafkaException, TopicPartition

from .circuit import DEFAULT_CIRCUIT_SETTINGS, Circuit
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
# While messages run, finished offsets are stored (and the in-flight gauges set) at most this often instead of after
# every poll: the lock, the pass over the partitions and the librdkafka call cost ~5 % of a busy kernel's CPU, and
# commits only happen every COMMIT_INTERVAL_MS anyway. With nothing running they are stored at every poll.
STORE_INTERVAL_S = 0.005


@dataclass(slots=True)
class _Taken:
    message: Message
    offsets: PartitionOffsets
    lane: Lane | None
    taken_at: float

    @property
    def partition(self) -> PartitionKey:
        return (self.message.topic, self.message.partition)


# Pausing drops librdkafka's prefetched messages and a resumed partition waits for a new fetch, so every pause leaves
# the workers idle for a while: the bound must be high enough that pausing is rare. An http kernel at 32 in flight
# against a 20 ms API: 128 waiting per partition gave ~540 msg/s, 512 gave ~1,200, 1,000 gave ~1,380.
MIN_BUFFER = 1000
BUFFER_PER_SLOT = 16
# Large messages pause a partition sooner: waiting messages never hold more than this per partition.
MAX_WAITING_BYTES = 32 * 1024 * 1024


def buffer_limit(max_in_flight: int) -> int:
    """Messages a partition may hold waiting to start before it alone is paused."""
    return max(BUFFER_PER_SLOT * max_in_flight, MIN_BUFFER)


def size_of(message: Message) -> int:
    return len(message.value or b"") + len(message.key or b"")


class ConcurrentDispatch:
    """The consumer thread calls take/poll_timeout_s/on_*; workers report back through _settle under one lock.

    At most `max_in_flight` messages run. A message whose key (or partition) is busy waits in its lane; one whose lane
    is free but finds every slot taken waits in `_ready`. Waiting messages do not take slots, so a long run from one
    partition cannot keep the others from starting; each partition's waiting messages are bounded by pausing it.

    The states a taken message moves through:
      - behind its lane: an earlier message of its key (or partition) has not settled; waiting.
      - ready: first of its lane (or without one) and no slot free; waiting, in `_ready`.
      - running: holds a slot on a worker.
      - finished: ran without error; its offset joins the partition's committable prefix.
      - failed: its error stops intake (unless it was interrupted); the messages behind its lane are dropped.
      - dropped: a waiting message that will not run (its partition revoked or lost, or a failure); redelivered.
    Methods named `*_locked` expect `_lock` to be held by their caller.
    """

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
        circuit: Circuit | None = None,
    ) -> None:
        self._consumer = consumer
        self._circuit = circuit or Circuit(DEFAULT_CIRCUIT_SETTINGS, metrics, stop)
        # Partitions paused because the circuit is open; kept apart from backpressure's pauses.
        self._held_by_circuit: set[PartitionKey] = set()
        self._workers = workers
        self._max_in_flight = max_in_flight
        self._pause_at = buffer_limit(max_in_flight)
        # Resuming only at half the bound avoids pausing and resuming after every message.
        self._resume_at = self._pause_at // 2
        self._ordering = ordering
        self._metrics = metrics
        self._stop = stop
        self._poll_timeout_s = poll_timeout_s
        self._wait_timeout_s = wait_timeout_s
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._partitions: dict[PartitionKey, PartitionOffsets] = {}
        self._stored: dict[PartitionKey, int] = {}
        # A lane present here has its first message running or ready; its deque holds the messages behind it.
        self._lanes: dict[Lane, deque[_Taken]] = {}
        # Messages free to start (first of their lane, or without one), in the order they became free.
        self._ready: deque[_Taken] = deque()
        self._running = 0
        # Taken and not yet finished or dropped: running, ready or waiting behind their lane.
        self._held = 0
        # The same messages by identity, oldest first (dicts keep insertion order), for the in-flight age gauge.
        self._held_since: dict[int, float] = {}
        self._last_taken: Any | None = None
        self._paused: set[PartitionKey] = set()
        self._paused_since: float | None = None
        self._failure: KernelFailure | None = None
        self._store_due = 0.0
        # Set when a partition may have to be paused or resumed: take saw its waiting messages reach the bound, a paused
        # one's fell to half, waiting ones were dropped, or the circuit closed. Only then does a poll look at them.
        self._backpressure_due = False

    @property
    def failure(self) -> KernelFailure | None:
        return self._failure

    def poll_timeout_s(self) -> float:
        # An int read needs no lock: at worst this poll's timeout follows a count one message old.
        busy = self._running > 0
        now = time.monotonic()
        if not busy or now >= self._store_due:
            self._store_due = now + STORE_INTERVAL_S
            self._store_finished()
        if self._circuit.is_open or self._held_by_circuit:
            self._apply_circuit()
        if self._backpressure_due:
            self._apply_backpressure()
        return BUSY_POLL_TIMEOUT_S if busy else self._poll_timeout_s

    def last_taken(self) -> Any | None:
        return self._last_taken

    def oldest_taken_at(self) -> float | None:
        with self._lock:
            return next(iter(self._held_since.values()), None)

    def paused_partitions(self) -> set[PartitionKey]:
        with self._lock:
            return self._paused | self._held_by_circuit

    def take(self, raw: Any) -> bool:
        if self._stop.is_set():
            # Polled after a stop request: left unprocessed and uncommitted, so it is redelivered.
            return False
        self._last_taken = raw
        message = Message.from_kafka(raw)
        lane = self._lane_of(message)
        with self._lock:
            key = (message.topic, message.partition)
            offsets = self._partitions.get(key)
            if offsets is None:
                offsets = self._partitions[key] = PartitionOffsets()
            taken = _Taken(message, offsets, lane, time.monotonic())
            starts_now = self._admit_locked(taken)
            offsets.take(message.offset, waiting=not starts_now, size=size_of(message))
            if offsets.waiting >= self._pause_at or offsets.waiting_bytes >= MAX_WAITING_BYTES:
                self._backpressure_due = True
            self._held += 1
            self._held_since[id(taken)] = taken.taken_at
        if starts_now:
            self._start(taken)
        return True

    def on_assign(self, partitions: list[Any]) -> None:
        # An assignment starts unpaused; the next poll pauses a partition again if it still holds too many.
        with self._lock:
            self._paused.difference_update((p.topic, p.partition) for p in partitions)
            self._held_by_circuit.difference_update((p.topic, p.partition) for p in partitions)
            # So the paused-time metric sees the pause end.
            self._backpressure_due = True

    def on_revoke(self, partitions: list[Any]) -> None:
        """Lets the revoked partitions' taken messages finish (bounded), then stores their offsets.

        Finishing the waiting ones too leaves no gap before finished messages, which the next owner would redo.
        """
        keys = {(p.topic, p.partition) for p in partitions}
        # Messages waiting for an open circuit give up at once: redelivered to the next owner, never dead-lettered.
        self._circuit.release(keys)
        with self._lock:
            if self._failure is not None or self._circuit.is_open:
                self._discard_waiting_locked(keys)
            else:
                self._discard_waiting_past_started_locked(keys)
            settled = self._changed.wait_for(lambda: self._active_locked(keys) == 0, self._wait_timeout_s)
            if not settled:
                self._discard_waiting_locked(keys)
            unfinished = self._active_locked(keys)
        if not settled:
            log.warning(
                "%d message(s) of revoked partitions still running; their next owner redelivers them", unfinished
            )
        self._store_finished()
        self._forget(keys)
        self._circuit.forget(keys)

    def on_lost(self, partitions: list[Any]) -> None:
        """The partitions already belong to another consumer: results still coming in are not committed."""
        keys = {(p.topic, p.partition) for p in partitions}
        self._circuit.release(keys)
        with self._lock:
            self._discard_waiting_locked(keys)
        self._forget(keys)
        self._circuit.forget(keys)

    def drain(self) -> None:
        """After a stop request the running messages finish, and the waiting ones a finished one is behind (bounded).

        After a failure only the running ones finish.
        """
        with self._lock:
            if self._failure is not None:
                self._discard_waiting_locked(None)
            else:
                self._discard_waiting_past_started_locked(None)
            settled = self._changed.wait_for(lambda: self._held == 0, self._wait_timeout_s)
            if not settled:
                self._discard_waiting_locked(None)
            unfinished = self._running
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

    def _admit_locked(self, taken: _Taken) -> bool:
        """Places a taken message: True when it takes a slot now, else it waits behind its lane or in `_ready`."""
        if taken.lane is not None:
            behind = self._lanes.get(taken.lane)
            if behind is not None:
                behind.append(taken)
                return False
            self._lanes[taken.lane] = deque()
        if self._running >= self._max_in_flight:
            self._ready.append(taken)
            return False
        self._running += 1
        return True

    def _start(self, taken: _Taken) -> None:
        self._workers.start(taken.message, lambda error: self._settle(taken, error))

    def _settle(self, taken: _Taken, error: BaseException | None) -> None:
        """Called by a worker: the message finished (error None) or did not; fills the freed slot."""
        if error is not None:
            self._record(taken.message, error)
        with self._lock:
            taken.offsets.settle(taken.message.offset, finished=error is None)
            self._running -= 1
            self._held -= 1
            self._held_since.pop(id(taken), None)
            self._release_lane_locked(taken, error is None)
            starting = self._claim_ready_locked()
            self._changed.notify_all()
        for successor in starting:
            self._start(successor)

    def _accepting_locked(self) -> bool:
        # A stop request only ends intake: messages already taken still start. A failure ends both.
        return self._failure is None

    def _release_lane_locked(self, taken: _Taken, finished: bool) -> None:
        if taken.lane is None:
            return
        behind = self._lanes[taken.lane]
        if behind and finished and self._accepting_locked():
            self._ready.append(behind.popleft())
            return
        # After a failure (or this message's own error) the messages behind it stay unprocessed and are redelivered.
        self._drop_all_locked(behind)
        del self._lanes[taken.lane]

    def _claim_ready_locked(self) -> list[_Taken]:
        """Takes slots for ready messages while there is room; the caller starts them outside the lock."""
        starting: list[_Taken] = []
        while self._ready and self._running < self._max_in_flight and self._accepting_locked():
            taken = self._ready.popleft()
            taken.offsets.start(size_of(taken.message))
            if self._paused and taken.partition in self._paused and self._resumable(taken.offsets):
                self._backpressure_due = True
            self._running += 1
            starting.append(taken)
        return starting

    def _record(self, message: Message, error: BaseException) -> None:
        if isinstance(error, Interrupted):
            log.info("%s; it will be redelivered", error)
            return
        self._fail(
            error if isinstance(error, KernelFailure) else KernelFailure(f"processing {message.ref} failed: {error!r}")
        )

    def _fail(self, failure: KernelFailure) -> None:
        with self._lock:
            if self._failure is None:
                self._failure = failure
        # Stops intake; messages already running may finish, and their offsets up to the failed one are committed.
        self._stop.set()

    def _drop_all_locked(self, waiting: deque[_Taken]) -> None:
        self._backpressure_due = True
        for taken in waiting:
            taken.offsets.drop_waiting(size_of(taken.message))
            self._held -= 1
            self._held_since.pop(id(taken), None)
        waiting.clear()

    def _discard_waiting_locked(self, keys: set[PartitionKey] | None) -> None:
        """Drops the messages of `keys` (all when None) that have not started: they are redelivered, never lost."""
        kept: deque[_Taken] = deque()
        for taken in self._ready:
            if keys is not None and taken.partition not in keys:
                kept.append(taken)
                continue
            self._drop_all_locked(deque([taken]))
            if taken.lane is not None:
                self._drop_all_locked(self._lanes.pop(taken.lane))
        self._ready = kept
        for lane, behind in self._lanes.items():
            if keys is None or (lane[0], lane[1]) in keys:
                self._drop_all_locked(behind)
        self._changed.notify_all()

    def _discard_waiting_past_started_locked(self, keys: set[PartitionKey] | None) -> None:
        """Drops the waiting messages after the last started one of their partition: nothing later ran, so they
        are redelivered without repeating anything. Those before it still run, or a finished message would be
        redelivered too. The buffer holds up to buffer_limit() messages a partition: a stop must not run them all.
        """
        waiting_by_partition: dict[PartitionKey, set[int]] = {}
        behind_lanes = [taken for behind in self._lanes.values() for taken in behind]
        for taken in [*self._ready, *behind_lanes]:
            waiting_by_partition.setdefault(taken.partition, set()).add(taken.message.offset)
        last_started = {
            key: self._partitions[key].highest_started(offsets)
            for key, offsets in waiting_by_partition.items()
            if (keys is None or key in keys) and key in self._partitions
        }

        def droppable(taken: _Taken) -> bool:
            return taken.partition in last_started and taken.message.offset > last_started[taken.partition]

        kept: deque[_Taken] = deque()
        for taken in self._ready:
            if not droppable(taken):
                kept.append(taken)
                continue
            self._drop_all_locked(deque([taken]))
            if taken.lane is not None:
                # Everything behind it in its lane comes later in the partition: dropped with it.
                self._drop_all_locked(self._lanes.pop(taken.lane))
        self._ready = kept
        for behind in self._lanes.values():
            dropped = deque(taken for taken in behind if droppable(taken))
            if dropped:
                self._drop_all_locked(dropped)
                kept_behind = [taken for taken in behind if not droppable(taken)]
                behind.clear()
                behind.extend(kept_behind)
        self._changed.notify_all()

    def _active_locked(self, keys: set[PartitionKey]) -> int:
        return sum(self._partitions[key].active for key in keys if key in self._partitions)

    def _forget(self, keys: set[PartitionKey]) -> None:
        with self._lock:
            for key in keys:
                self._partitions.pop(key, None)
                self._stored.pop(key, None)
            paused = [key for key in keys if key in self._paused or key in self._held_by_circuit]
            self._paused.difference_update(paused)
            self._held_by_circuit.difference_update(paused)
            self._backpressure_due = True
        # librdkafka keeps a pause across a rebalance: resumed before release, so a reassigned partition is fetched.
        if paused:
            self._call_consumer("resume", paused)

    def _apply_backpressure(self) -> None:
        """Pauses a partition holding too many messages that wait to start; resumes it once half have started."""
        with self._lock:
            self._backpressure_due = False
            pause = [
                key
                for key, offsets in self._partitions.items()
                if (offsets.waiting >= self._pause_at or offsets.waiting_bytes >= MAX_WAITING_BYTES)
                and key not in self._paused
            ]
            resume = [
                key
                for key in self._paused
                if (key not in self._partitions or self._resumable(self._partitions[key]))
                and key not in self._held_by_circuit
            ]
            self._paused.update(pause)
            self._paused.difference_update(resume)
            any_paused = bool(self._paused)
        if pause:
            self._call_consumer("pause", pause)
        if resume:
            self._call_consumer("resume", resume)
        self._track_paused_time(any_paused)

    def _resumable(self, offsets: PartitionOffsets) -> bool:
        return offsets.waiting <= self._resume_at and offsets.waiting_bytes <= MAX_WAITING_BYTES // 2

    def _apply_circuit(self) -> None:
        """While the circuit is open every assigned partition stays paused; polling goes on, so the group keeps us."""
        overdue = self._circuit.overdue()
        if overdue is not None:
            self._fail(overdue)
        if self._circuit.is_open:
            try:
                assigned = {(p.topic, p.partition) for p in self._consumer.assignment()}
            except KafkaException as error:
                log.warning("Could not read the assignment: %s", error)
                return
            with self._lock:
                pause = sorted(assigned - self._held_by_circuit - self._paused)
                self._held_by_circuit.update(assigned)
            if pause:
                self._call_consumer("pause", pause)
            return
        with self._lock:
            resume = sorted(self._held_by_circuit - self._paused)
            self._held_by_circuit.clear()
            # Partitions paused for backpressure as well were left to it: it looks at them again now.
            self._backpressure_due = True
        if resume:
            self._call_consumer("resume", resume)

    def _call_consumer(self, action: str, keys: list[PartitionKey]) -> None:
        try:
            getattr(self._consumer, action)([TopicPartition(topic, partition) for topic, partition in keys])
        except KafkaException as error:
            log.warning("Could not %s partitions: %s", action, error)

    def _track_paused_time(self, any_paused: bool) -> None:
        now = time.monotonic()
        if any_paused and self._paused_since is None:
            self._paused_since = now
        elif not any_paused and self._paused_since is not None:
            self._metrics.add_backpressure_wait(now - self._paused_since)
            self._paused_since = None

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
            in_flight = self._running
        self._metrics.set_in_flight(in_flight, gaps)
        if not moved:
            return
        try:
            self._consumer.store_offsets(
                offsets=[TopicPartition(topic, partition, safe) for (topic, partition), safe in moved]
            )
        except KafkaException as error:
            log.warning("Could not store offsets: %s", error)
