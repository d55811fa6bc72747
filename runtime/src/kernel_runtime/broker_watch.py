"""Turns librdkafka's endless reconnecting into a bounded wait: unreachable brokers become a clear failure."""

import logging
import time
from collections.abc import Callable

from confluent_kafka import KafkaError

from .errors import KafkaUnavailable

log = logging.getLogger(__name__)

# Errors that mean "no working connection"; librdkafka keeps retrying them forever on its own.
CONNECTION_ERRORS = frozenset(
    {
        KafkaError._ALL_BROKERS_DOWN,
        KafkaError._TRANSPORT,
        KafkaError._SSL,
        KafkaError._AUTHENTICATION,
        KafkaError._RESOLVE,
    }
)
PROBE_INTERVAL_S = 1.0


class BrokerWatch:
    """Fails the kernel when no broker answered for `timeout_s`, counting from start-up or the last outage."""

    def __init__(self, bootstrap_servers: str, timeout_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._bootstrap_servers = bootstrap_servers
        self._timeout_s = timeout_s
        self._clock = clock
        self._down_since: float | None = clock()
        self._last_probe = float("-inf")
        self._last_error = "no broker has answered yet"
        self._fatal: KafkaError | None = None
        self._warned = False
        # A plain attribute the poll loop reads per message: False while connected with no fatal error, so the
        # healthy path skips the calls to check() and alive().
        self.needs_attention = True

    @property
    def connected(self) -> bool:
        return self._down_since is None

    def on_error(self, error: KafkaError) -> None:
        """librdkafka's error_cb."""
        if error.fatal():
            self._fatal = error
            self.needs_attention = True
        elif error.code() in CONNECTION_ERRORS:
            # Reconnect attempts repeat the same error every few seconds: warn once per outage.
            log.log(logging.DEBUG if self._warned else logging.WARNING, "Kafka connection problem: %s", error.str())
            self._warned = True
            self._last_error = error.str()
            if self._down_since is None:
                self._down_since = self._clock()
            self.needs_attention = True
        else:
            log.warning("Kafka client error: %s", error.str())

    def alive(self) -> None:
        """Something came back from a broker (a message, an assignment, a metadata answer)."""
        if self._down_since is not None:
            log.info("Connected to Kafka at %s", self._bootstrap_servers)
        self._down_since = None
        self._warned = False
        self.needs_attention = self._fatal is not None or self._down_since is not None

    def check(self, probe: Callable[[float], bool]) -> None:
        """Called from the poll loop; `probe(timeout)` asks a broker for metadata and says if one answered."""
        if self._fatal is not None:
            raise KafkaUnavailable(f"Kafka client failed and cannot recover: {self._fatal.str()}")
        if self._down_since is None:
            return
        now = self._clock()
        if now - self._last_probe >= PROBE_INTERVAL_S:
            self._last_probe = now
            if probe(PROBE_INTERVAL_S):
                self.alive()
                return
        if self._clock() - self._down_since > self._timeout_s:
            raise KafkaUnavailable(
                f"no Kafka broker at {self._bootstrap_servers} answered within {self._timeout_s:g}s "
                f"(last error: {self._last_error}); check KAFKA_BOOTSTRAP_SERVERS, the certificates and the network"
            )
