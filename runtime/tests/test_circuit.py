"""The circuit breaker: a bad dependency pauses intake and dead-letters nothing; a bad message still goes to the DLQ."""

import logging
import threading
import time
from collections import defaultdict

import pytest

from kernel_runtime import DependencyUnavailable, Message
from kernel_runtime.circuit import Circuit, CircuitSettings
from kernel_runtime.errors import CircuitWaiting, DependencyOutageTooLong, Interrupted
from kernel_runtime.metrics import Metrics
from kernel_runtime.shutdown import Shutdown
from kernel_runtime.testing import FakeConsumer, run_loop

TOPIC = "orders"
DLQ = "orders.dlq"
FAST = CircuitSettings(failure_threshold=3, probe_min_s=0.02, probe_max_s=0.1, max_open_s=None)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def message(offset: int, partition: int = 0) -> Message:
    return Message(TOPIC, partition, offset, key=f"k{offset % 4}".encode(), value=b"{}")


def down(reason: str = "connection refused") -> DependencyUnavailable:
    return DependencyUnavailable(reason, dependency="test-api")


def circuit_with(clock: Clock, settings: CircuitSettings = FAST) -> tuple[Circuit, Metrics, threading.Event]:
    metrics = Metrics()
    stop = threading.Event()
    return Circuit(settings, metrics, stop, clock=clock), metrics, stop


class Dependency:
    """Fails with DependencyUnavailable until `up` is set; records the order messages got through in."""

    def __init__(self, down_for_s: float | None) -> None:
        self.recovers_at = None if down_for_s is None else time.monotonic() + down_for_s
        self.delivered: list[Message] = []
        self.failures = 0
        self._lock = threading.Lock()

    def __call__(self, message: Message) -> bool:
        if self.recovers_at is None or time.monotonic() < self.recovers_at:
            with self._lock:
                self.failures += 1
            time.sleep(0.001)
            raise down()
        with self._lock:
            self.delivered.append(message)
        return True


def keyed(count: int, partitions: int = 3) -> list[Message]:
    offsets: dict[int, int] = defaultdict(int)
    messages = []
    for index in range(count):
        partition = index % partitions
        messages.append(Message(TOPIC, partition, offsets[partition], key=f"k{index % 7}".encode(), value=b"{}"))
        offsets[partition] += 1
    return messages


def ends_of(messages: list[Message]) -> dict[tuple[str, int], int]:
    ends: dict[tuple[str, int], int] = {}
    for m in messages:
        ends[(m.topic, m.partition)] = max(ends.get((m.topic, m.partition), 0), m.offset + 1)
    return ends


def test_distinct_messages_failing_in_a_row_open_it_and_one_message_retrying_does_not():
    circuit, _metrics, _stop = circuit_with(Clock())

    assert circuit.failed(message(0), down()) is False
    assert circuit.failed(message(0), down()) is False
    assert circuit.failed(message(1), down()) is False
    assert not circuit.is_open
    assert circuit.failed(message(2), down()) is True
    assert circuit.is_open
    assert "3 messages in a row failed on test-api" in (circuit.reason or "")


def test_a_success_between_failures_starts_the_run_again():
    circuit, _metrics, _stop = circuit_with(Clock())
    circuit.failed(message(0), down())
    circuit.failed(message(1), down())
    circuit.succeeded()
    circuit.failed(message(2), down())
    circuit.failed(message(3), down())

    assert not circuit.is_open


def test_while_open_only_the_oldest_waiter_probes_and_only_once_the_interval_passed():
    clock = Clock()
    circuit, _metrics, _stop = circuit_with(clock)
    for offset in range(3):
        circuit.failed(message(offset), down())

    with pytest.raises(CircuitWaiting):
        circuit.wait_turn(message(0), block=False)
    clock.now += FAST.probe_min_s
    assert circuit.wait_turn(message(0), block=False) is True
    # One probe at a time: the next message waits while the first is out.
    with pytest.raises(CircuitWaiting):
        circuit.wait_turn(message(1), block=False)


def test_failed_probes_space_out_up_to_the_cap_with_jitter():
    clock = Clock()
    circuit, _metrics, _stop = circuit_with(clock)
    for offset in range(3):
        circuit.failed(message(offset), down())
    delays = []
    for _ in range(8):
        clock.now += circuit.probe_due_in_s() + 1e-6
        assert circuit.wait_turn(message(0), block=False) is True
        assert circuit.failed(message(0), down()) is True
        delays.append(circuit.probe_due_in_s())

    assert all(FAST.probe_min_s / 2 <= delay <= FAST.probe_max_s for delay in delays)
    assert delays[-1] >= FAST.probe_max_s / 2
    assert delays[0] <= 2 * FAST.probe_min_s


def test_a_successful_probe_closes_it_and_logs_open_and_close_once_each(caplog):
    clock = Clock()
    circuit, metrics, _stop = circuit_with(clock)
    with caplog.at_level(logging.INFO, logger="kernel_runtime.circuit"):
        for offset in range(10):
            circuit.failed(message(offset), down())
        assert 'clustera_kernel_circuit_open{dependency="test-api"} 1' in metrics.render()
        clock.now += 5.0
        circuit.wait_turn(message(0), block=False)
        circuit.succeeded()

    assert not circuit.is_open
    assert circuit.reason is None
    rendered = metrics.render()
    assert 'clustera_kernel_circuit_open{dependency="test-api"} 0' in rendered
    assert 'clustera_kernel_circuit_opened_total{dependency="test-api"} 1' in rendered
    lines = [record.getMessage() for record in caplog.records]
    assert len([line for line in lines if line.startswith("Circuit opened")]) == 1
    closed = [line for line in lines if line.startswith("Circuit closed")]
    assert closed == ["Circuit closed: test-api answered again after 5.0s open (1 probe(s)); intake resumed"]


def test_waiting_ends_on_stop_on_revoke_and_past_the_bound():
    clock = Clock()
    bounded = CircuitSettings(failure_threshold=1, probe_min_s=60, probe_max_s=60, max_open_s=30)
    circuit, _metrics, stop = circuit_with(clock, bounded)
    circuit.failed(message(0), down())

    circuit.release({(TOPIC, 1)})
    with pytest.raises(Interrupted, match="revoked"):
        circuit.wait_turn(message(5, partition=1))
    circuit.forget({(TOPIC, 1)})
    clock.now += 31
    assert isinstance(circuit.overdue(), DependencyOutageTooLong)
    with pytest.raises(DependencyOutageTooLong):
        circuit.wait_turn(message(5, partition=1))
    stop.set()
    with pytest.raises(Interrupted, match="shutdown"):
        circuit.wait_turn(message(6))


@pytest.mark.parametrize("max_in_flight", [1, 8])
def test_an_outage_pauses_intake_and_dead_letters_nothing(max_in_flight):
    messages = keyed(60)
    dependency = Dependency(down_for_s=0.6)

    run = run_loop(dependency, messages, dlq_topic=DLQ, max_attempts=3, max_in_flight=max_in_flight, circuit=FAST)

    assert run.failure is None
    assert [p for p in run.producer.produced if p.topic == DLQ] == []
    assert run.consumer.stored == ends_of(messages)
    assert sorted((m.partition, m.offset) for m in dependency.delivered) == sorted(
        (m.partition, m.offset) for m in messages
    )
    for lane in {(m.partition, m.key) for m in messages}:
        offsets = [m.offset for m in dependency.delivered if (m.partition, m.key) == lane]
        assert offsets == sorted(offsets), f"order of key {lane!r}"
    assert run.consumer.pause_calls > 0
    assert 'clustera_kernel_circuit_opened_total{dependency="test-api"} 1' in run.metrics.render()
    # Probes, not retries: a message per probe interval at most while the dependency is down.
    assert dependency.failures < 3 * FAST.failure_threshold + 0.6 / (FAST.probe_min_s / 2) + max_in_flight


def test_a_message_failing_on_a_working_dependency_still_reaches_the_dlq_within_its_attempts():
    messages = keyed(60)
    poison = messages[10]
    attempts: list[int] = []

    def process(m: Message) -> bool:
        if (m.partition, m.offset) == (poison.partition, poison.offset):
            attempts.append(m.offset)
            raise down("500 for this payload only")
        time.sleep(0.002)
        return True

    # Retries 20 ms apart while the others take 2 ms each: other messages get through between its attempts.
    run = run_loop(process, messages, dlq_topic=DLQ, max_attempts=4, max_in_flight=8, circuit=FAST, retry_backoff_ms=20)

    assert run.failure is None
    dead = [p for p in run.producer.produced if p.topic == DLQ]
    assert len(dead) == 1
    assert len(attempts) == 4
    assert "clustera_kernel_circuit_opened_total{" not in run.metrics.render()


def test_an_outage_longer_than_the_bound_stops_the_kernel_with_the_finished_prefix_stored():
    messages = keyed(30, partitions=1)
    served: list[int] = []

    def process(m: Message) -> bool:
        if m.offset >= 10:
            raise down()
        served.append(m.offset)
        return True

    bounded = CircuitSettings(failure_threshold=3, probe_min_s=0.02, probe_max_s=0.05, max_open_s=1)
    run = run_loop(process, messages, dlq_topic=DLQ, max_attempts=3, max_in_flight=4, circuit=bounded)

    assert isinstance(run.failure, DependencyOutageTooLong)
    assert run.consumer.committed == {(TOPIC, 0): 10}
    assert [p for p in run.producer.produced if p.topic == DLQ] == []


def test_a_stop_while_open_ends_the_wait_without_dead_letters():
    messages = keyed(30)
    shutdown = Shutdown(5.0, enforce_deadline=False)
    circuit = Circuit(FAST, Metrics(), shutdown.event)

    def stop_when_open(consumer: FakeConsumer) -> None:
        if circuit.is_open:
            shutdown.event.set()

    consumer = FakeConsumer(messages, on_idle=stop_when_open)
    started = time.monotonic()
    run = run_loop(
        Dependency(down_for_s=None),
        messages,
        dlq_topic=DLQ,
        max_in_flight=8,
        circuit=circuit,
        consumer=consumer,
        shutdown=shutdown,
    )

    assert run.failure is None
    assert time.monotonic() - started < 3
    assert [p for p in run.producer.produced if p.topic == DLQ] == []
    assert run.consumer.closed


def test_a_revoke_while_open_releases_the_waiting_messages_without_dead_letters():
    messages = keyed(30)
    shutdown = Shutdown(5.0, enforce_deadline=False)
    circuit = Circuit(FAST, Metrics(), shutdown.event)
    revoked = [(TOPIC, 0), (TOPIC, 1)]
    state: dict[str, float | None] = {"revoke_at": None, "revoked_at": None}

    def revoke_then_stop(consumer: FakeConsumer) -> None:
        if circuit.is_open and state["revoke_at"] is None:
            state["revoke_at"] = consumer.polls + 1
            consumer.rebalance_at[consumer.polls + 1] = ("revoke", revoked)
        elif consumer.committed_at_revoke is not None and state["revoked_at"] is None:
            state["revoked_at"] = time.monotonic()
            shutdown.event.set()

    consumer = FakeConsumer(messages, on_idle=revoke_then_stop)
    started = time.monotonic()
    run = run_loop(
        Dependency(down_for_s=None),
        messages,
        dlq_topic=DLQ,
        max_in_flight=8,
        circuit=circuit,
        consumer=consumer,
        shutdown=shutdown,
    )

    assert run.failure is None
    assert state["revoked_at"] is not None
    # Released at once, not after the shutdown timeout's wait for running messages.
    assert (state["revoked_at"] or 0) - started < 3
    assert [p for p in run.producer.produced if p.topic == DLQ] == []
    assert all(key not in run.consumer.stored for key in revoked)
