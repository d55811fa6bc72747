"""Graceful stop on SIGTERM/SIGINT, bounded by SHUTDOWN_TIMEOUT_S."""

import logging
import os
import signal
import threading
from types import FrameType

log = logging.getLogger(__name__)

EXIT_SHUTDOWN_TIMEOUT = 1


class Shutdown:
    """`event` tells the loop to finish the messages in flight; the deadline ends a stop that hangs."""

    def __init__(self, timeout_s: float, *, enforce_deadline: bool = True) -> None:
        self.event = threading.Event()
        self._timeout_s = timeout_s
        self._enforce_deadline = enforce_deadline
        self._deadline: threading.Timer | None = None

    def request(self, reason: str) -> None:
        if self.event.is_set():
            return
        log.info("%s: finishing the messages in flight, committing and leaving the group", reason)
        self.event.set()
        self.start_deadline()

    def start_deadline(self) -> None:
        """From here on the process exits within SHUTDOWN_TIMEOUT_S, even if a client call hangs."""
        if self._enforce_deadline and self._deadline is None:
            self._deadline = threading.Timer(self._timeout_s, self._expire)
            self._deadline.daemon = True
            self._deadline.start()

    def _expire(self) -> None:
        log.error("Shutdown did not finish within %gs (SHUTDOWN_TIMEOUT_S); exiting now", self._timeout_s)
        logging.shutdown()
        os._exit(EXIT_SHUTDOWN_TIMEOUT)

    def install_signal_handlers(self) -> None:
        def handle(signum: int, _frame: FrameType | None) -> None:
            if self.event.is_set():
                log.warning("Second %s: exiting immediately", signal.Signals(signum).name)
                os._exit(128 + signum)
            self.request(f"Received {signal.Signals(signum).name}")

        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)
