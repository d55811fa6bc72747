"""Counters and gauges served at /metrics in the Prometheus text format (stdlib only)."""

import json
import threading
from bisect import bisect_left
from collections import Counter
from itertools import accumulate

DURATION_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
PREFIX = "clustera_kernel"


class Metrics:
    """Written by the consumer thread, read by the health server thread; one lock keeps them consistent."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: Counter[str] = Counter()
        # Kept apart from _messages: the per-message path then adds to an int instead of updating a Counter.
        self._processed = 0
        self._errors: Counter[str] = Counter()
        self._retries = 0
        # Per bucket, not cumulative: one increment per observation; render() sums them into Prometheus' `le` form.
        # The extra last slot holds durations above the largest bound.
        self._bucket_counts = [0] * (len(DURATION_BUCKETS_S) + 1)
        self._duration_sum_s = 0.0
        self._duration_count = 0
        self._lag: dict[tuple[str, int], int] = {}
        self._assigned_partitions = 0
        self._in_flight = 0
        self._gaps: dict[tuple[str, int], int] = {}
        self._backpressure_s = 0.0
        self._circuits: dict[str, bool] = {}
        self._circuit_openings: Counter[str] = Counter()

    def count_message(self, result: str) -> None:
        """result: processed, skipped, dead_lettered or failed."""
        with self._lock:
            self._messages[result] += 1

    def count_error(self, kind: str) -> None:
        """kind: retryable, dependency, skip or fatal."""
        with self._lock:
            self._errors[kind] += 1

    def count_retry(self) -> None:
        with self._lock:
            self._retries += 1

    def observe_duration(self, seconds: float) -> None:
        with self._lock:
            self._observe(seconds)

    def observe_processed(self, seconds: float) -> None:
        """The common case in one lock: an attempt that took `seconds` and finished its message."""
        with self._lock:
            self._duration_sum_s += seconds
            self._duration_count += 1
            self._bucket_counts[bisect_left(DURATION_BUCKETS_S, seconds)] += 1
            self._processed += 1

    def _observe(self, seconds: float) -> None:
        self._duration_sum_s += seconds
        self._duration_count += 1
        self._bucket_counts[bisect_left(DURATION_BUCKETS_S, seconds)] += 1

    def set_assigned_partitions(self, count: int) -> None:
        with self._lock:
            self._assigned_partitions = count

    def set_in_flight(self, count: int, gaps: dict[tuple[str, int], int]) -> None:
        """count: messages taken and not finished; gaps: finished but not yet committable, by partition."""
        with self._lock:
            self._in_flight = count
            self._gaps = gaps

    def add_backpressure_wait(self, seconds: float) -> None:
        with self._lock:
            self._backpressure_s += seconds

    def set_circuit(self, dependency: str, *, is_open: bool) -> None:
        with self._lock:
            if is_open and not self._circuits.get(dependency, False):
                self._circuit_openings[dependency] += 1
            self._circuits[dependency] = is_open

    def record_statistics(self, statistics_json: str) -> None:
        """librdkafka's stats_cb: keeps the consumer lag of every assigned partition."""
        statistics = json.loads(statistics_json)
        lag = {
            (topic, int(partition_id)): partition["consumer_lag"]
            for topic, topic_stats in statistics.get("topics", {}).items()
            for partition_id, partition in topic_stats.get("partitions", {}).items()
            if int(partition_id) >= 0 and partition.get("consumer_lag", -1) >= 0
        }
        with self._lock:
            self._lag = lag

    def messages(self, result: str) -> int:
        with self._lock:
            return self._message_counts()[result]

    def _message_counts(self) -> Counter[str]:
        counts = self._messages.copy()
        if self._processed:
            counts["processed"] += self._processed
        return counts

    def render(self) -> str:
        with self._lock:
            lines = [
                f"# HELP {PREFIX}_messages_total Messages handled, by result.",
                f"# TYPE {PREFIX}_messages_total counter",
                *(f'{PREFIX}_messages_total{{result="{r}"}} {n}' for r, n in sorted(self._message_counts().items())),
                f"# HELP {PREFIX}_errors_total Errors raised by process_message, by kind.",
                f"# TYPE {PREFIX}_errors_total counter",
                *(f'{PREFIX}_errors_total{{kind="{k}"}} {n}' for k, n in sorted(self._errors.items())),
                f"# HELP {PREFIX}_retries_total Attempts that were retried.",
                f"# TYPE {PREFIX}_retries_total counter",
                f"{PREFIX}_retries_total {self._retries}",
                f"# HELP {PREFIX}_processing_seconds Time spent in process_message per attempt.",
                f"# TYPE {PREFIX}_processing_seconds histogram",
                *(
                    f'{PREFIX}_processing_seconds_bucket{{le="{bound}"}} {count}'
                    for bound, count in zip(DURATION_BUCKETS_S, accumulate(self._bucket_counts), strict=False)
                ),
                f'{PREFIX}_processing_seconds_bucket{{le="+Inf"}} {self._duration_count}',
                f"{PREFIX}_processing_seconds_sum {self._duration_sum_s}",
                f"{PREFIX}_processing_seconds_count {self._duration_count}",
                f"# HELP {PREFIX}_consumer_lag Messages behind the end of each assigned partition.",
                f"# TYPE {PREFIX}_consumer_lag gauge",
                *(
                    f'{PREFIX}_consumer_lag{{topic="{topic}",partition="{partition}"}} {lag}'
                    for (topic, partition), lag in sorted(self._lag.items())
                ),
                f"# HELP {PREFIX}_assigned_partitions Partitions currently assigned to this consumer.",
                f"# TYPE {PREFIX}_assigned_partitions gauge",
                f"{PREFIX}_assigned_partitions {self._assigned_partitions}",
                f"# HELP {PREFIX}_in_flight Messages being processed now (at most MAX_IN_FLIGHT).",
                f"# TYPE {PREFIX}_in_flight gauge",
                f"{PREFIX}_in_flight {self._in_flight}",
                f"# HELP {PREFIX}_offset_gap Finished messages waiting for an earlier one before they are committed.",
                f"# TYPE {PREFIX}_offset_gap gauge",
                *(
                    f'{PREFIX}_offset_gap{{topic="{topic}",partition="{partition}"}} {gap}'
                    for (topic, partition), gap in sorted(self._gaps.items())
                ),
                f"# HELP {PREFIX}_backpressure_seconds_total Time a partition was paused for backpressure.",
                f"# TYPE {PREFIX}_backpressure_seconds_total counter",
                f"{PREFIX}_backpressure_seconds_total {self._backpressure_s}",
                f"# HELP {PREFIX}_circuit_open 1 while a dependency's circuit is open (intake paused), else 0.",
                f"# TYPE {PREFIX}_circuit_open gauge",
                *(
                    f'{PREFIX}_circuit_open{{dependency="{name}"}} {int(is_open)}'
                    for name, is_open in sorted(self._circuits.items())
                ),
                f"# HELP {PREFIX}_circuit_opened_total Times a dependency's circuit opened.",
                f"# TYPE {PREFIX}_circuit_opened_total counter",
                *(
                    f'{PREFIX}_circuit_opened_total{{dependency="{name}"}} {count}'
                    for name, count in sorted(self._circuit_openings.items())
                ),
            ]
        return "\n".join(lines) + "\n"
