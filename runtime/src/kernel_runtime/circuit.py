"""The circuit breaker: when the dependency itself is down, intake pauses and one message probes it.

Closed: messages run and retry as usual. Open: no message starts an attempt except one probe at a time, at growing
intervals (capped, with jitter); the messages in flight wait in place, keep their offsets and are never
dead-lettered for the outage. The first attempt that gets an answer from the dependency closes it again.
"""

import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from .errors import CircuitWaiting, DependencyOutageTooLong, DependencyUnavailable, Interrupted
from .message import Message
from .metrics import Metrics

log = logging.getLogger(__name__)

PartitionKey = tuple[str, int]
# How often a waiting message looks at the stop request, revoked partitions and the outage bound.
WAIT_CHECK_INTERVAL_S = 0.1


@dataclass(frozen=True)
class CircuitSettings:
    failure_threshold: int
    probe_min_s: float
    probe_max_s: float
    max_open_s: float | None


# The settings' defaults, for code that builds a runtime piece without settings (tests, tools).
DEFAULT_CIRCUIT_SETTINGS = CircuitSettings(failure_threshold=5, probe_min_s=1.0, probe_max_s=30.0, max_open_s=None)


class Circuit:
    """Shared by every worker; `is_open` and `succeeded` stay lock-free on the per-message path while closed."""

    def __init__(
        self,
        settings: CircuitSettings,
        metrics: Metrics,
        stop: threading.Event,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._metrics = metrics
        self._stop = stop
        self._clock = clock
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self.is_open = False
        # Successes (or answers) seen so far: a message compares it to tell whether others got through meanwhile.
        self.successes = 0
        # Messages that failed on the dependency since the last success; distinct messages, not attempts.
        self._failing: set[str] = set()
        self._dependency = ""
        self._reason = ""
        self._opened_at = 0.0
        self._probe_interval_s = settings.probe_min_s
        self._probe_due = 0.0
        self._probes = 0
        self._prober: Message | None = None
        # Messages waiting for the circuit, oldest first; the head probes next, so a failed probe goes to the back.
        self._waiting: deque[Message] = deque()
        self._released: set[PartitionKey] = set()

    @property
    def reason(self) -> str | None:
        """Why the kernel is not ready while the circuit is open; None while it is closed."""
        with self._lock:
            return f"circuit open for {self._dependency}: {self._reason}" if self.is_open else None

    def wait_turn(self, message: Message, *, block: bool = True) -> bool:
        """Returns at once while closed (False); while open, waits until it closes or this message probes (True).

        Raises Interrupted on a stop request or when the message's partition is revoked, DependencyOutageTooLong
        past CIRCUIT_MAX_OPEN_S, and CircuitWaiting when `block` is False and it is not this message's turn.
        """
        if not self.is_open:
            return False
        with self._changed:
            self._waiting.append(message)
            try:
                while True:
                    if not self.is_open:
                        return True
                    self._raise_if_ending_locked(message)
                    now = self._clock()
                    if self._prober is None and now >= self._probe_due and self._waiting[0] == message:
                        self._prober = message
                        self._probes += 1
                        return True
                    if not block:
                        raise CircuitWaiting(f"{message.ref} waits for {self._dependency}")
                    self._changed.wait(min(WAIT_CHECK_INTERVAL_S, max(self._probe_due - now, 0.001)))
            finally:
                self._waiting.remove(message)

    def succeeded(self) -> None:
        """A message got through: the dependency is up, so the run of failures ends and an open circuit closes."""
        self.successes += 1
        if self._failing or self.is_open:
            with self._changed:
                self._failing.clear()
                if self.is_open:
                    self._close_locked()

    def failed(self, message: Message, error: DependencyUnavailable) -> bool:
        """Counts a dependency failure; True when the circuit is open and the message should wait for it."""
        with self._changed:
            if self._prober == message:
                self._prober = None
                self._schedule_probe_locked(error.retry_after)
                log.debug("Probe %s failed: %s", message.ref, error)
                return True
            if self.is_open:
                return True
            self._failing.add(message.ref)
            if len(self._failing) < self._settings.failure_threshold:
                return False
            self._open_locked(error, f"{len(self._failing)} messages in a row failed on {error.dependency}: {error}")
            return True

    def open_after_exhausted(self, message: Message, error: DependencyUnavailable, attempts: int) -> None:
        """A message used up its attempts on the dependency while nothing else got through: an outage."""
        with self._changed:
            if not self.is_open:
                reason = (
                    f"{message.ref} failed {attempts} times on {error.dependency} and no message got through: {error}"
                )
                self._open_locked(error, reason)

    def inconclusive(self, message: Message) -> None:
        """A probe that ended with a message-specific retry says nothing about the dependency: probe again later."""
        with self._changed:
            if self._prober == message:
                self._prober = None
                self._schedule_probe_locked(None)

    def release(self, partitions: set[PartitionKey]) -> None:
        """Revoked or lost partitions: their waiting messages give up (to be redelivered), without a dead letter."""
        with self._changed:
            self._released.update(partitions)
            self._changed.notify_all()

    def forget(self, partitions: set[PartitionKey]) -> None:
        with self._changed:
            self._released.difference_update(partitions)

    def probe_due_in_s(self) -> float:
        """Seconds until the next probe may start; 0 when one may start now."""
        with self._lock:
            return max(self._probe_due - self._clock(), 0.0) if self._prober is None else self._probe_interval_s

    def overdue(self) -> DependencyOutageTooLong | None:
        """The failure to stop with once the circuit has been open longer than CIRCUIT_MAX_OPEN_S."""
        if not self.is_open or self._settings.max_open_s is None:
            return None
        with self._lock:
            return self._overdue_locked() if self.is_open else None

    def _raise_if_ending_locked(self, message: Message) -> None:
        if self._stop.is_set():
            raise Interrupted(f"shutdown requested while {message.ref} waited for {self._dependency}")
        if (message.topic, message.partition) in self._released:
            raise Interrupted(f"partition of {message.ref} revoked while it waited for {self._dependency}")
        failure = self._overdue_locked()
        if failure is not None:
            raise failure

    def _overdue_locked(self) -> DependencyOutageTooLong | None:
        limit = self._settings.max_open_s
        if limit is None or self._clock() - self._opened_at <= limit:
            return None
        return DependencyOutageTooLong(
            f"{self._dependency} still unavailable after {limit:g}s (CIRCUIT_MAX_OPEN_S): {self._reason}"
        )

    def _open_locked(self, error: DependencyUnavailable, reason: str) -> None:
        self.is_open = True
        self._failing.clear()
        self._dependency = error.dependency
        self._reason = reason
        self._opened_at = self._clock()
        self._probes = 0
        self._probe_interval_s = self._settings.probe_min_s
        self._schedule_probe_locked(error.retry_after, grow=False)
        self._metrics.set_circuit(self._dependency, is_open=True)
        log.warning(
            "Circuit opened: %s. Intake paused, nothing is dead-lettered for it; probing every %gs to %gs",
            reason, self._settings.probe_min_s, self._settings.probe_max_s,
        )  # fmt: skip

    def _close_locked(self) -> None:
        self.is_open = False
        self._prober = None
        open_s = self._clock() - self._opened_at
        self._metrics.set_circuit(self._dependency, is_open=False)
        log.info(
            "Circuit closed: %s answered again after %.1fs open (%d probe(s)); intake resumed",
            self._dependency, open_s, self._probes,
        )  # fmt: skip
        self._changed.notify_all()

    def _schedule_probe_locked(self, retry_after_s: float | None, *, grow: bool = True) -> None:
        if grow:
            self._probe_interval_s = min(self._probe_interval_s * 2, self._settings.probe_max_s)
        interval_s = self._probe_interval_s
        # Half fixed, half random, like the retry backoff: kernels that lost the same dependency do not probe together.
        delay_s = interval_s / 2 + random.uniform(0, interval_s / 2)
        if retry_after_s is not None:
            delay_s = min(max(delay_s, retry_after_s), self._settings.probe_max_s)
        self._probe_due = self._clock() + delay_s
        self._changed.notify_all()
