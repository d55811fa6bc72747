"""The lag gauges: librdkafka's per-partition lag, time lag and the age of the oldest message in flight."""

import json
import time

from confluent_kafka import TIMESTAMP_CREATE_TIME, TIMESTAMP_NOT_AVAILABLE

from kernel_runtime.lag import ConsumerLag


class Taken:
    def __init__(self, timestamp_ms: int | None, taken_at: float | None) -> None:
        self._timestamp_ms = timestamp_ms
        self._taken_at = taken_at

    def last_taken(self) -> "Taken":
        return self

    def timestamp(self) -> tuple[int, int]:
        if self._timestamp_ms is None:
            return TIMESTAMP_NOT_AVAILABLE, -1
        return TIMESTAMP_CREATE_TIME, self._timestamp_ms

    def oldest_taken_at(self) -> float | None:
        return self._taken_at


def statistics(**lag_by_partition: int) -> str:
    partitions = {
        name.removeprefix("p"): {"consumer_lag": lag, "committed_offset": 100 + lag if lag >= 0 else -1001}
        for name, lag in lag_by_partition.items()
    }
    partitions["-1"] = {"consumer_lag": -1, "committed_offset": -1001}
    return json.dumps({"topics": {"orders": {"partitions": partitions}}})


def test_offset_lag_per_partition_from_librdkafka_statistics():
    lag = ConsumerLag()
    lag.record_statistics(statistics(p0=12, p1=0, p2=-1))

    assert lag.offset_lag() == {("orders", 0): 12, ("orders", 1): 0}
    assert lag.committed_offsets() == {("orders", 0): 112, ("orders", 1): 100}


def test_time_lag_is_the_age_of_the_last_message_taken_while_behind():
    lag = ConsumerLag()
    lag.follow(Taken(int((time.time() - 30) * 1000), None))
    lag.record_statistics(statistics(p0=5))

    assert 29 < lag.time_lag_s() < 35


def test_time_lag_is_zero_once_caught_up_or_without_timestamps():
    caught_up = ConsumerLag()
    caught_up.follow(Taken(int((time.time() - 30) * 1000), None))
    caught_up.record_statistics(statistics(p0=0, p1=0))
    without_timestamp = ConsumerLag()
    without_timestamp.follow(Taken(None, None))

    assert caught_up.time_lag_s() == 0
    assert without_timestamp.time_lag_s() == 0


def test_oldest_in_flight_age_counts_from_when_it_was_taken():
    lag = ConsumerLag()
    assert lag.oldest_in_flight_s() == 0
    lag.follow(Taken(None, time.monotonic() - 4))

    assert 4 <= lag.oldest_in_flight_s() < 10
