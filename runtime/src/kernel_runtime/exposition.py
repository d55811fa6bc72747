"""The /metrics body through prometheus-client: the kernel's counters, the lag gauges and the process collector."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import accumulate

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from .facts import metric_name
from .lag import ConsumerLag

CONTENT_TYPE = CONTENT_TYPE_LATEST
PARTITION_LABELS = ["topic", "partition"]


@dataclass(frozen=True)
class MetricsSnapshot:
    """What metrics.py counted, copied under its lock."""

    messages: dict[str, int]
    errors: dict[str, int]
    retries: int
    bucket_bounds: tuple[float, ...]
    bucket_counts: list[int]
    duration_sum_s: float
    duration_count: int
    assigned_partitions: int
    in_flight: int
    gaps: dict[tuple[str, int], int]
    backpressure_s: float
    circuits: dict[str, bool]
    circuit_openings: dict[str, int]
    schema_failures: dict[str, int]


class KernelCollector(Collector):
    """Reads one consistent snapshot per scrape: the per-message path only adds to plain counters (see metrics.py)."""

    def __init__(self, snapshot: Callable[[], MetricsSnapshot], lag: ConsumerLag) -> None:
        self._snapshot = snapshot
        self._lag = lag

    def collect(self) -> Iterator[Metric]:
        snapshot = self._snapshot()
        lag = self._lag
        messages = CounterMetricFamily(metric_name("messages"), "Messages handled, by result.", labels=["result"])
        for result, count in sorted(snapshot.messages.items()):
            messages.add_metric([result], count)
        yield messages
        errors = CounterMetricFamily(
            metric_name("errors"), "Errors raised by process_message, by kind.", labels=["kind"]
        )
        for kind, count in sorted(snapshot.errors.items()):
            errors.add_metric([kind], count)
        yield errors
        yield CounterMetricFamily(metric_name("retries"), "Attempts that were retried.", value=snapshot.retries)
        cumulative = accumulate(snapshot.bucket_counts)
        buckets = [(str(bound), count) for bound, count in zip(snapshot.bucket_bounds, cumulative, strict=False)]
        buckets.append(("+Inf", snapshot.duration_count))
        yield HistogramMetricFamily(
            metric_name("processing_seconds"),
            "Time spent in process_message per attempt.",
            buckets=buckets,
            sum_value=snapshot.duration_sum_s,
        )
        offset_lag = GaugeMetricFamily(
            metric_name("consumer_lag"),
            "Messages behind the end of each assigned partition: end offset minus committed (from librdkafka;"
            " a paused partition's end offset is asked of the broker when scraped: librdkafka stops refreshing it).",
            labels=PARTITION_LABELS,
        )
        for (topic, partition), behind in sorted(lag.offset_lag().items()):
            offset_lag.add_metric([topic, str(partition)], behind)
        yield offset_lag
        committed = GaugeMetricFamily(
            metric_name("committed_offset"),
            "The group's committed offset of each assigned partition (from librdkafka).",
            labels=PARTITION_LABELS,
        )
        for (topic, partition), offset in sorted(lag.committed_offsets().items()):
            committed.add_metric([topic, str(partition)], offset)
        yield committed
        yield GaugeMetricFamily(
            metric_name("time_lag_seconds"),
            "Now minus the timestamp of the last message taken; 0 when caught up.",
            value=lag.time_lag_s(),
        )
        yield GaugeMetricFamily(
            metric_name("oldest_in_flight_seconds"),
            "How long the oldest message still in flight has been in the kernel.",
            value=lag.oldest_in_flight_s(),
        )
        yield GaugeMetricFamily(
            metric_name("assigned_partitions"),
            "Partitions currently assigned to this consumer.",
            value=snapshot.assigned_partitions,
        )
        yield GaugeMetricFamily(
            metric_name("in_flight"), "Messages being processed now (at most MAX_IN_FLIGHT).", value=snapshot.in_flight
        )
        gaps = GaugeMetricFamily(
            metric_name("offset_gap"),
            "Finished messages waiting for an earlier one before they are committed.",
            labels=PARTITION_LABELS,
        )
        for (topic, partition), gap in sorted(snapshot.gaps.items()):
            gaps.add_metric([topic, str(partition)], gap)
        yield gaps
        yield CounterMetricFamily(
            metric_name("backpressure_seconds"),
            "Time a partition was paused for backpressure.",
            value=snapshot.backpressure_s,
        )
        circuit_open = GaugeMetricFamily(
            metric_name("circuit_open"),
            "1 while a dependency's circuit is open (intake paused), else 0.",
            labels=["dependency"],
        )
        for dependency, is_open in sorted(snapshot.circuits.items()):
            circuit_open.add_metric([dependency], int(is_open))
        yield circuit_open
        openings = CounterMetricFamily(
            metric_name("circuit_opened"), "Times a dependency's circuit opened.", labels=["dependency"]
        )
        for dependency, count in sorted(snapshot.circuit_openings.items()):
            openings.add_metric([dependency], count)
        yield openings
        schema_failures = CounterMetricFamily(
            metric_name("schema_failures"), "Messages refused before process_message, by reason.", labels=["reason"]
        )
        for reason, count in sorted(snapshot.schema_failures.items()):
            schema_failures.add_metric([reason], count)
        yield schema_failures


def kernel_registry(snapshot: Callable[[], MetricsSnapshot], lag: ConsumerLag) -> CollectorRegistry:
    """A registry of its own (not the global one), so several runtimes in one test process never collide."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(KernelCollector(snapshot, lag))
    ProcessCollector(registry=registry)
    return registry


def render(registry: CollectorRegistry) -> str:
    return generate_latest(registry).decode("utf-8")
