"""How far behind the kernel is: librdkafka's per-partition lag, time lag, the age of the oldest unfinished message."""

import json
import threading
import time
from typing import Any, Protocol

from confluent_kafka import TIMESTAMP_NOT_AVAILABLE

PartitionKey = tuple[str, int]


class TakenMessages(Protocol):
    """What a dispatch tells the lag gauges; read from the health server thread at scrape time."""

    def last_taken(self) -> Any | None:
        """The last message polled and handed on (librdkafka's message object), None before the first."""

    def oldest_taken_at(self) -> float | None:
        """time.monotonic() when the oldest message still in flight was taken, None when none is."""


class ConsumerLag:
    """Fed by librdkafka's statistics (no extra broker queries); time-based gauges are computed when scraped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset_lag: dict[PartitionKey, int] = {}
        self._committed: dict[PartitionKey, int] = {}
        self._taken: TakenMessages | None = None

    def follow(self, taken: TakenMessages) -> None:
        self._taken = taken

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
