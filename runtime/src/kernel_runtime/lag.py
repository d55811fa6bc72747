"""How far behind the kernel is: librdkafka's per-partition lag, time lag, the age of the oldest unfinished message."""

import json
import threading
import time
from typing import Any, Protocol

from confluent_kafka import TIMESTAMP_NOT_AVAILABLE, KafkaException, TopicPartition

PartitionKey = tuple[str, int]


class TakenMessages(Protocol):
    """What a dispatch tells the lag gauges; read from the health server thread at scrape time."""

    def last_taken(self) -> Any | None:
        """The last message polled and handed on (librdkafka's message object), None before the first."""

    def oldest_taken_at(self) -> float | None:
        """time.monotonic() when the oldest message still in flight was taken, None when none is."""

    def paused_partitions(self) -> set[PartitionKey]:
        """Partitions the consumer does not fetch now."""


class HighWatermarks(Protocol):
    def high(self, topic: str, partition: int) -> int | None:
        """The partition's end offset as the broker has it now, None when it cannot be asked."""


class BrokerWatermarks:
    """Asks the partition's leader: only for paused partitions, whose end offset librdkafka stops refreshing."""

    def __init__(self, consumer: Any, timeout_s: float = 0.25) -> None:
        self._consumer = consumer
        self._timeout_s = timeout_s

    def high(self, topic: str, partition: int) -> int | None:
        try:
            _low, high = self._consumer.get_watermark_offsets(
                TopicPartition(topic, partition), timeout=self._timeout_s, cached=False
            )
        except KafkaException:
            return None
        return int(high)


class ConsumerLag:
    """Fed by librdkafka's statistics (no extra broker queries); time-based gauges are computed when scraped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset_lag: dict[PartitionKey, int] = {}
        self._committed: dict[PartitionKey, int] = {}
        self._taken: TakenMessages | None = None
        self._watermarks: HighWatermarks | None = None
        self.needs_refresh = False

    def follow(self, taken: TakenMessages, watermarks: HighWatermarks | None = None) -> None:
        self._taken = taken
        self._watermarks = watermarks

    def record_statistics(self, statistics_json: str) -> None:
        """librdkafka's stats_cb: `consumer_lag` is the partition's end offset minus the group's committed offset."""
        partitions = [
            ((topic, int(partition_id)), partition)
            for topic, topic_stats in json.loads(statistics_json).get("topics", {}).items()
            for partition_id, partition in topic_stats.get("partitions", {}).items()
            if int(partition_id) >= 0
        ]
        lag = {key: p["consumer_lag"] for key, p in partitions if p.get("consumer_lag", -1) >= 0}
        committed = {key: p["committed_offset"] for key, p in partitions if p.get("committed_offset", -1) >= 0}
        with self._lock:
            self._offset_lag = lag
            self._committed = committed
        # Checked by the poll loop after this callback returns: the broker is asked from that thread only.
        taken, watermarks = self._taken, self._watermarks
        self.needs_refresh = taken is not None and watermarks is not None and bool(taken.paused_partitions())

    def refresh_paused(self) -> None:
        """A paused partition's end offset is asked of the broker: librdkafka stops refreshing the one it reports."""
        self.needs_refresh = False
        if self._taken is None or self._watermarks is None:
            return
        with self._lock:
            committed = dict(self._committed)
        fresh = {}
        for key in self._taken.paused_partitions() & committed.keys():
            high = self._watermarks.high(*key)
            if high is None:
                # The poll loop waits on this: one unanswered partition is enough to try again next interval.
                break
            fresh[key] = max(0, high - committed[key])
        with self._lock:
            self._offset_lag.update(fresh)

    def offset_lag(self) -> dict[PartitionKey, int]:
        with self._lock:
            return dict(self._offset_lag)

    def committed_offsets(self) -> dict[PartitionKey, int]:
        """The group's committed offset per partition: an alert on commits that stop moving reads it."""
        with self._lock:
            return dict(self._committed)

    def time_lag_s(self) -> float:
        """Now minus the timestamp of the last message taken; 0 once every partition is caught up (nothing waits)."""
        lag = self.offset_lag()
        if lag and not any(lag.values()):
            return 0.0
        raw = self._taken.last_taken() if self._taken is not None else None
        if raw is None:
            return 0.0
        timestamp_type, timestamp_ms = raw.timestamp()
        if timestamp_type == TIMESTAMP_NOT_AVAILABLE:
            return 0.0
        return max(0.0, time.time() - float(timestamp_ms) / 1000)

    def oldest_in_flight_s(self) -> float:
        taken_at = self._taken.oldest_taken_at() if self._taken is not None else None
        return 0.0 if taken_at is None else time.monotonic() - taken_at
