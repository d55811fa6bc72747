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

    def paused_partitions(self) -> set[tuple[str, int]]:
        return set()


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


class PausedTaken(Taken):
    def __init__(self, paused: set[tuple[str, int]]) -> None:
        super().__init__(None, None)
        self._paused = paused

    def paused_partitions(self) -> set[tuple[str, int]]:
        return self._paused


class Watermarks:
    def __init__(self, high: dict[tuple[str, int], int | None]) -> None:
        self._high = high
        self.asked: list[tuple[str, int]] = []

    def high(self, topic: str, partition: int) -> int | None:
        self.asked.append((topic, partition))
        return self._high.get((topic, partition))


def test_a_paused_partition_takes_its_end_offset_from_the_broker_not_the_stale_statistics():
    # librdkafka stops refreshing a paused partition's high watermark: its own lag would stay frozen.
    lag = ConsumerLag()
    watermarks = Watermarks({("orders", 0): 140})
    lag.follow(PausedTaken({("orders", 0)}), watermarks)
    lag.record_statistics(statistics(p0=12, p1=3))
    assert lag.needs_refresh
    assert watermarks.asked == []  # never from the statistics callback: the poll loop asks, after it returns

    lag.refresh_paused()

    # committed is 112 on p0: 140 - 112; p1 is fetched, so librdkafka's own figure is current.
    assert lag.offset_lag() == {("orders", 0): 28, ("orders", 1): 3}
    assert watermarks.asked == [("orders", 0)]
    assert not lag.needs_refresh


def test_nothing_is_asked_while_no_partition_is_paused_or_when_the_broker_does_not_answer():
    idle = ConsumerLag()
    idle.follow(PausedTaken(set()), Watermarks({}))
    idle.record_statistics(statistics(p0=12))
    assert not idle.needs_refresh

    unanswered = ConsumerLag()
    unanswered.follow(PausedTaken({("orders", 0), ("orders", 1)}), Watermarks({}))
    unanswered.record_statistics(statistics(p0=12, p1=3))
    unanswered.refresh_paused()
    assert unanswered.offset_lag() == {("orders", 0): 12, ("orders", 1): 3}
