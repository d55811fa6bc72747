"""Runs process_message for one message and applies the contract: done, retry, skip, dead-letter or stop."""

import asyncio
import enum
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .circuit import DEFAULT_CIRCUIT_SETTINGS, WAIT_CHECK_INTERVAL_S, Circuit
from .dead_letter import DeadLetters
from .errors import (
    CircuitWaiting,
    DependencyUnavailable,
    Interrupted,
    ProcessingFailed,
    RetriesExhausted,
    RetryableError,
    SchemaViolation,
    SkipMessage,
)
from .message import Message
from .metrics import Metrics
from .retry import Backoff
from .tracing import event

log = logging.getLogger(__name__)

ProcessFunction = Callable[[Message], bool | None] | Callable[[Message], Awaitable[bool | None]]
# How often an async retry wait checks whether a stop was requested.
STOP_CHECK_INTERVAL_S = 0.1


class Outcome(enum.Enum):
    PROCESSED = "processed"
    SKIPPED = "skipped"
    DEAD_LETTERED = "dead_lettered"


# Module-level, so the per-message path skips the enum's attribute lookups.
_PROCESSED = Outcome.PROCESSED
_clock = time.perf_counter


@dataclass(slots=True)
class _Attempts:
    count: int = 1
    # Circuit.successes when the message first failed on its dependency: did anything get through since?
    successes_at_first_dependency_failure: int | None = None

    def restart(self) -> None:
        """After waiting out an outage the message gets its whole retry budget again.

        The mark stays: once others got through, failing again on its own points at the message.
        """
        self.count = 1


class Processor:
    """Every outcome returned means "this message is finished"; anything that must not be committed raises.

    `handle` runs a plain process_message, `handle_async` an `async def` one; both follow the same steps.
    """

    def __init__(
        self,
        process: ProcessFunction,
        *,
        max_attempts: int,
        backoff: Backoff,
        dead_letters: DeadLetters | None,
        metrics: Metrics,
        stop: threading.Event,
        circuit: Circuit | None = None,
        waits_for_circuit: bool = True,
    ) -> None:
        """`waits_for_circuit` False (one message at a time): raise CircuitWaiting instead of waiting in place."""
        self._process = process
        self._circuit = circuit or Circuit(DEFAULT_CIRCUIT_SETTINGS, metrics, stop)
        self._waits_for_circuit = waits_for_circuit
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._dead_letters = dead_letters
        self._metrics = metrics
        self._stop = stop

    @property
    def circuit(self) -> Circuit:
        return self._circuit

    def handle(self, message: Message) -> Outcome:
        attempts = _Attempts()
        circuit = self._circuit
        while True:
            if circuit.is_open and circuit.wait_turn(message, block=self._waits_for_circuit):
                attempts.restart()
            started = _clock()
            failure: RetryableError | SkipMessage
            try:
                result = self._process(message)
            except Exception as error:
                failure = self._failed_attempt(message, error, started)
            else:
                if result is not False:
                    # The per-message path: one metrics call and the circuit's lock-free count.
                    self._metrics.observe_processed(_clock() - started)
                    circuit.succeeded()
                    return _PROCESSED
                failure = self._returned_false(started)
            if self._waits_for_dependency(message, failure, attempts):
                continue
            if self._gives_up(failure, attempts.count):
                return self._give_up(message, failure, attempts.count)
            # Waiting on the stop event lets SIGTERM end the wait; the message stays unfinished.
            if self._stop.wait(self._retry_delay_s(message, failure, attempts.count)):
                raise Interrupted(f"shutdown requested while {message.ref} waited for attempt {attempts.count + 1}")
            attempts.count += 1

    async def handle_async(self, message: Message) -> Outcome:
        attempts = _Attempts()
        circuit = self._circuit
        while True:
            if circuit.is_open and await self._wait_turn_async(message):
                attempts.restart()
            started = _clock()
            failure: RetryableError | SkipMessage
            try:
                result = await self._process(message)  # type: ignore[misc]
            except Exception as error:
                failure = self._failed_attempt(message, error, started)
            else:
                if result is not False:
                    self._metrics.observe_processed(_clock() - started)
                    circuit.succeeded()
                    return _PROCESSED
                failure = self._returned_false(started)
            if self._waits_for_dependency(message, failure, attempts):
                continue
            if self._gives_up(failure, attempts.count):
                return await self._give_up_async(message, failure, attempts.count)
            if await self._stop_during(self._retry_delay_s(message, failure, attempts.count)):
                raise Interrupted(f"shutdown requested while {message.ref} waited for attempt {attempts.count + 1}")
            attempts.count += 1

    async def _wait_turn_async(self, message: Message) -> bool:
        """Like Circuit.wait_turn, without blocking the event loop the other messages run on."""
        while True:
            try:
                return self._circuit.wait_turn(message, block=False)
            except CircuitWaiting:
                if not self._waits_for_circuit:
                    raise
            await asyncio.sleep(WAIT_CHECK_INTERVAL_S)

    def _waits_for_dependency(
        self, message: Message, failure: RetryableError | SkipMessage, attempts: _Attempts
    ) -> bool:
        """True when the dependency, not the message, failed and the message should wait for the circuit.

        A message that used up its attempts on the dependency while no other message got through is kept too:
        with nothing succeeding there is no sign that the message is at fault.
        """
        circuit = self._circuit
        if not isinstance(failure, DependencyUnavailable):
            circuit.inconclusive(message)
            return False
        if attempts.successes_at_first_dependency_failure is None:
            attempts.successes_at_first_dependency_failure = circuit.successes
        if circuit.failed(message, failure):
            return True
        if attempts.count < self._max_attempts or circuit.successes != attempts.successes_at_first_dependency_failure:
            return False
        circuit.open_after_exhausted(message, failure, attempts.count)
        return True

    def _returned_false(self, started: float) -> RetryableError:
        self._metrics.observe_duration(_clock() - started)
        self._metrics.count_error("retryable")
        return RetryableError("process_message returned False")

    def _failed_attempt(self, message: Message, error: Exception, started: float) -> RetryableError | SkipMessage:
        self._metrics.observe_duration(_clock() - started)
        if isinstance(error, RetryableError | SkipMessage):
            if isinstance(error, SchemaViolation):
                self._metrics.count_schema_failure(error.reason)
            self._metrics.count_error(_error_kind(error))
            return error
        self._metrics.count_error("fatal")
        self._metrics.count_message("failed")
        raise ProcessingFailed(f"process_message raised on {message.ref}: {error!r}") from error

    def _gives_up(self, failure: RetryableError | SkipMessage, attempt: int) -> bool:
        return isinstance(failure, SkipMessage) or attempt >= self._max_attempts

    def _retry_delay_s(self, message: Message, failure: RetryableError | SkipMessage, attempt: int) -> float:
        retry_after = failure.retry_after if isinstance(failure, RetryableError) else None
        delay_s = self._backoff.delay_s(attempt, retry_after)
        log.warning(
            "Attempt %d/%d of %s failed, retrying in %.2fs: %s",
            attempt, self._max_attempts, message.ref, delay_s, failure,
        )  # fmt: skip
        self._metrics.count_retry()
        event("retry", {"attempt": attempt, "delay_s": delay_s, "error": repr(failure)})
        return delay_s

    async def _stop_during(self, delay_s: float) -> bool:
        deadline = time.monotonic() + delay_s
        while (remaining := deadline - time.monotonic()) > 0:
            if self._stop.is_set():
                return True
            await asyncio.sleep(min(remaining, STOP_CHECK_INTERVAL_S))
        return self._stop.is_set()

    def _without_dead_letters(self, message: Message, failure: RetryableError | SkipMessage, attempt: int) -> Outcome:
        if isinstance(failure, SkipMessage):
            log.warning("Skipping %s (no DLQ_TOPIC set): %s", message.ref, failure)
            event("skip", {"error": repr(failure)})
            self._metrics.count_message("skipped")
            return Outcome.SKIPPED
        self._metrics.count_message("failed")
        raise RetriesExhausted(
            f"{message.ref} still failing after {attempt} attempts and no DLQ_TOPIC is set: {failure}"
        ) from failure

    def _give_up(self, message: Message, failure: RetryableError | SkipMessage, attempt: int) -> Outcome:
        if self._dead_letters is None:
            return self._without_dead_letters(message, failure, attempt)
        self._dead_letters.send(message, failure, attempt)
        return self._dead_lettered(self._dead_letters, message, failure, attempt)

    async def _give_up_async(self, message: Message, failure: RetryableError | SkipMessage, attempt: int) -> Outcome:
        if self._dead_letters is None:
            return self._without_dead_letters(message, failure, attempt)
        # Awaiting the acknowledgement on the loop lets the other messages go on meanwhile.
        await self._dead_letters.send_async(message, failure, attempt)
        return self._dead_lettered(self._dead_letters, message, failure, attempt)

    def _dead_lettered(self, dead_letters: DeadLetters, message: Message, error: Exception, attempt: int) -> Outcome:
        log.warning("Sent %s to %s after %d attempt(s): %s", message.ref, dead_letters.topic, attempt, error)
        event("dead_letter", {"topic": dead_letters.topic, "attempts": attempt, "error": repr(error)})
        self._metrics.count_message("dead_lettered")
        return Outcome.DEAD_LETTERED


def _error_kind(error: RetryableError | SkipMessage) -> str:
    if isinstance(error, SkipMessage):
        return "skip"
    return "dependency" if isinstance(error, DependencyUnavailable) else "retryable"
