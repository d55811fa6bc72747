"""The poll loop: messages handed to a dispatch, offsets stored once finished, committed in the background."""

import logging
from typing import Any

from confluent_kafka import KafkaError, KafkaException

from .broker_watch import CONNECTION_ERRORS, BrokerWatch
from .dispatch import Dispatch
from .errors import KafkaUnavailable, KernelFailure
from .metrics import Metrics
from .shutdown import Shutdown

log = logging.getLogger(__name__)

# Bounds how long a stop request waits when the topic is idle.
POLL_TIMEOUT_S = 0.5


class ConsumerLoop:
    """Takes the consumer as an argument so tests can drive it with a fake."""

    def __init__(
        self,
        consumer: Any,
        dispatch: Dispatch,
        *,
        topic: str,
        watch: BrokerWatch,
        metrics: Metrics,
        shutdown: Shutdown,
    ) -> None:
        self._consumer = consumer
        self._dispatch = dispatch
        self._topic = topic
        self._watch = watch
        self._metrics = metrics
        self._shutdown = shutdown
        self._stop = shutdown.event
        self._assigned_once = False

    @property
    def ready(self) -> bool:
        return self._assigned_once and self._watch.connected and not self._stop.is_set()

    def run(self) -> None:
        """Returns after a stop request; raises KernelFailure. Either way finished offsets are committed."""
        self._consumer.subscribe(
            [self._topic], on_assign=self._on_assign, on_revoke=self._on_revoke, on_lost=self._on_lost
        )
        log.info("Consuming %s", self._topic)
        try:
            self._consume_until_stopped()
            if self._dispatch.failure is not None:
                raise self._dispatch.failure
        except KernelFailure as failure:
            # Logged here so the reason comes before the shutdown lines, not after them.
            log.error("Stopping: %s", failure)
            raise
        finally:
            self._shutdown.start_deadline()
            self._close()

    def _consume_until_stopped(self) -> None:
        # Bound once: this loop runs per message, and the lookups would cost more than the calls.
        stopped = self._stop.is_set
        poll = self._consumer.poll
        poll_timeout_s = self._dispatch.poll_timeout_s
        take = self._dispatch.take
        watch = self._watch
        lag = self._metrics.lag
        while not stopped():
            raw = poll(poll_timeout_s())
            if watch.needs_attention:
                watch.check(self._probe)
            if lag.needs_refresh:
                lag.refresh_paused()
            if raw is None:
                continue
            error = raw.error()
            if error is not None:
                self._on_kafka_error(error)
                continue
            if watch.needs_attention:
                watch.alive()
            if not take(raw):
                return

    def _probe(self, timeout_s: float) -> bool:
        try:
            self._consumer.list_topics(self._topic, timeout=timeout_s)
        except KafkaException:
            return False
        return True

    def _on_kafka_error(self, error: KafkaError) -> None:
        if error.fatal():
            raise KafkaUnavailable(f"Kafka consumer failed and cannot recover: {error.str()}")
        if error.code() in CONNECTION_ERRORS:
            self._watch.on_error(error)
        elif error.code() != KafkaError._PARTITION_EOF:
            log.warning("Kafka reported: %s", error.str())

    def _on_assign(self, _consumer: Any, partitions: list[Any]) -> None:
        log.info("Assigned %s", _describe(partitions))
        self._assigned_once = True
        self._dispatch.on_assign(partitions)
        self._metrics.set_assigned_partitions(len(partitions))
        self._watch.alive()

    def _on_revoke(self, _consumer: Any, partitions: list[Any]) -> None:
        # Commit before the partitions move, so their next owner starts right after our last finished message.
        self._dispatch.on_revoke(partitions)
        self._commit("partition revoke")
        log.info("Revoked %s", _describe(partitions))
        self._metrics.set_assigned_partitions(0)

    def _on_lost(self, _consumer: Any, partitions: list[Any]) -> None:
        log.warning("Lost %s without a clean revoke; uncommitted messages will be redelivered", _describe(partitions))
        self._dispatch.on_lost(partitions)
        self._metrics.set_assigned_partitions(0)

    def _commit(self, reason: str) -> None:
        try:
            self._consumer.commit(asynchronous=False)
        except KafkaException as error:
            if error.args[0].code() != KafkaError._NO_OFFSET:
                log.warning("Could not commit offsets on %s: %s", reason, error.args[0].str())

    def _close(self) -> None:
        self._dispatch.drain()
        if self._watch.connected:
            self._commit("shutdown")
        try:
            self._consumer.close()
        except (KafkaException, RuntimeError) as error:
            log.warning("Closing the consumer failed: %s", error)
        log.info("Consumer closed")


def _describe(partitions: list[Any]) -> str:
    if not partitions:
        return "no partitions"
    return ", ".join(f"{p.topic}[{p.partition}]" for p in partitions)
