"""Runs process_message for one message and applies the contract: done, retry, skip, dead-letter or stop."""

import enum
import logging
import threading
import time
from collections.abc import Callable

from .dead_letter import DeadLetters
from .errors import Interrupted, ProcessingFailed, RetriesExhausted, RetryableError, SkipMessage
from .message import Message
from .metrics import Metrics
from .retry import Backoff

log = logging.getLogger(__name__)

ProcessFunction = Callable[[Message], bool | None]


class Outcome(enum.Enum):
    PROCESSED = "processed"
    SKIPPED = "skipped"
    DEAD_LETTERED = "dead_lettered"


class Processor:
    """Every outcome returned means "commit this offset"; anything that must not be committed raises."""

    def __init__(
        self,
        process: ProcessFunction,
        *,
        max_attempts: int,
        backoff: Backoff,
        dead_letters: DeadLetters | None,
        metrics: Metrics,
        stop: threading.Event,
    ) -> None:
        self._process = process
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._dead_letters = dead_letters
        self._metrics = metrics
        self._stop = stop

    def handle(self, message: Message) -> Outcome:
        attempt = 1
        while True:
            error = self._attempt(message, attempt)
            if error is None:
                self._metrics.count_message(Outcome.PROCESSED.value)
                return Outcome.PROCESSED
            if isinstance(error, SkipMessage):
                return self._give_up(message, error, attempt)
            if attempt >= self._max_attempts:
                return self._exhausted(message, error, attempt)
            delay_s = self._backoff.delay_s(attempt, error.retry_after)
            log.warning(
                "Attempt %d/%d of %s failed, retrying in %.2fs: %s",
                attempt, self._max_attempts, message.ref, delay_s, error,
            )
            self._metrics.count_retry()
            # Waiting on the stop event lets SIGTERM end the wait; the message stays uncommitted.
            if self._stop.wait(delay_s):
                raise Interrupted(f"shutdown requested while {message.ref} waited for attempt {attempt + 1}")
            attempt += 1

    def _attempt(self, message: Message, attempt: int) -> RetryableError | SkipMessage | None:
        started = time.perf_counter()
        try:
            result = self._process(message)
        except (RetryableError, SkipMessage) as error:
            self._metrics.count_error("skip" if isinstance(error, SkipMessage) else "retryable")
            return error
        except Exception as error:
            self._metrics.count_error("fatal")
            self._metrics.count_message("failed")
            raise ProcessingFailed(f"process_message raised on {message.ref}: {error!r}") from error
        finally:
            self._metrics.observe_duration(time.perf_counter() - started)
        if result is False:
            self._metrics.count_error("retryable")
            return RetryableError("process_message returned False")
        return None

    def _give_up(self, message: Message, error: SkipMessage, attempt: int) -> Outcome:
        if self._dead_letters is None:
            log.warning("Skipping %s (no DLQ_TOPIC set): %s", message.ref, error)
            self._metrics.count_message(Outcome.SKIPPED.value)
            return Outcome.SKIPPED
        return self._dead_letter(self._dead_letters, message, error, attempt)

    def _exhausted(self, message: Message, error: RetryableError, attempt: int) -> Outcome:
        if self._dead_letters is None:
            self._metrics.count_message("failed")
            raise RetriesExhausted(
                f"{message.ref} still failing after {attempt} attempts and no DLQ_TOPIC is set: {error}"
            ) from error
        return self._dead_letter(self._dead_letters, message, error, attempt)

    def _dead_letter(self, dead_letters: DeadLetters, message: Message, error: Exception, attempt: int) -> Outcome:
        dead_letters.send(message, error, attempt)
        log.warning("Sent %s to %s after %d attempt(s): %s", message.ref, dead_letters.topic, attempt, error)
        self._metrics.count_message(Outcome.DEAD_LETTERED.value)
        return Outcome.DEAD_LETTERED
