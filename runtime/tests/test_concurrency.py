"""Many messages in flight (MAX_IN_FLIGHT > 1): ordering modes, offsets, backpressure, rebalances and stops."""

import asyncio
import importlib.util
import itertools
import threading
import time
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from kernel_runtime import Message
from kernel_runtime.concurrent_dispatch import (
    BUFFER_PER_SLOT,
    MAX_WAITING_BYTES,
    MIN_BUFFER,
    STORE_INTERVAL_S,
    ConcurrentDispatch,
    buffer_limit,
)
from kernel_runtime.errors import ProcessingFailed
from kernel_runtime.metrics import Metrics
from kernel_runtime.shutdown import Shutdown
from kernel_runtime.testing import FakeConsumer, FakeKafkaMessage, ManualWorkers, run_loop, stop_once_stored

TOPIC = "orders"


def keyed_messages(count: int, *, partitions: int = 3, keys: int = 5) -> list[Message]:
    """`count` messages spread round-robin over partitions, with repeating keys inside each partition."""
    offsets: dict[int, int] = defaultdict(int)
    messages = []
    for index in range(count):
        partition = index % partitions
        key = f"k{partition}-{index // partitions % keys}".encode()
        messages.append(Message(TOPIC, partition, offsets[partition], key=key, value=b"{}"))
        offsets[partition] += 1
    return messages


def manual_dispatch(
    messages: list[Message], *, max_in_flight: int, ordering: str, circuit: object = None
) -> tuple[FakeConsumer, ManualWorkers, ConcurrentDispatch]:
    """A dispatch over an assigned fake consumer whose workers run nothing until the test finishes them."""
    consumer = FakeConsumer(messages, on_idle=lambda consumer: None)
    consumer.subscribe([TOPIC], on_assign=lambda *_: None, on_revoke=lambda *_: None, on_lost=lambda *_: None)
    workers = ManualWorkers()
    dispatch = ConcurrentDispatch(
        consumer, workers, max_in_flight=max_in_flight, ordering=ordering, metrics=Metrics(),
        stop=threading.Event(), poll_timeout_s=0.0, wait_timeout_s=0.0, circuit=circuit,  # type: ignore[arg-type]
    )  # fmt: skip
    return consumer, workers, dispatch


class Timeline:
    """Records when each message started and ended; the first `together` messages wait until all of them run.

    A barrier instead of timing: if fewer than `together` can run at once, the barrier breaks and the run fails.
    """

    def __init__(self, together: int, duration_s: float = 0.005) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._barrier = threading.Barrier(together, timeout=5)
        self._waiting = together
        self.duration_s = duration_s
        self.most_at_once = 0
        self.spans: list[tuple[Message, float, float]] = []

    def __call__(self, message: Message) -> bool:
        started = self._begin()
        with self._lock:
            wait, self._waiting = self._waiting > 0, self._waiting - 1
        if wait:
            self._barrier.wait()
        time.sleep(self.duration_s)
        self._end(message, started)
        return True

    def _begin(self) -> float:
        with self._lock:
            self._running += 1
            self.most_at_once = max(self.most_at_once, self._running)
        return time.monotonic()

    def _end(self, message: Message, started: float) -> None:
        with self._lock:
            self._running -= 1
            self.spans.append((message, started, time.monotonic()))

    def by(self, group: str) -> dict[object, list[tuple[Message, float, float]]]:
        grouped: dict[object, list[tuple[Message, float, float]]] = defaultdict(list)
        for span in sorted(self.spans, key=lambda span: span[1]):
            message = span[0]
            grouped[(message.partition, message.key) if group == "key" else message.partition].append(span)
        return grouped


def assert_sequential_in_offset_order(groups: dict[object, list[tuple[Message, float, float]]]) -> None:
    for name, spans in groups.items():
        offsets = [span[0].offset for span in spans]
        assert offsets == sorted(offsets), f"{name} ran out of offset order: {offsets}"
        for before, after in itertools.pairwise(spans):
            assert before[2] <= after[1], f"{name}: offset {after[0].offset} started before {before[0].offset} ended"


def ends_of(messages: list[Message]) -> dict[tuple[str, int], int]:
    ends: dict[tuple[str, int], int] = {}
    for message in messages:
        ends[(message.topic, message.partition)] = max(
            ends.get((message.topic, message.partition), 0), message.offset + 1
        )
    return ends


def test_key_ordering_keeps_each_key_in_offset_order_and_runs_keys_concurrently():
    messages = keyed_messages(90)
    timeline = Timeline(together=4)

    run = run_loop(timeline, messages, max_in_flight=8, ordering="key")

    assert run.failure is None
    assert len(timeline.spans) == 90
    assert_sequential_in_offset_order(timeline.by("key"))
    assert timeline.most_at_once >= 4, "different keys run at the same time"
    assert run.consumer.committed == ends_of(messages)


def test_partition_ordering_runs_one_message_at_a_time_per_partition():
    messages = keyed_messages(60)
    timeline = Timeline(together=3)

    run = run_loop(timeline, messages, max_in_flight=8, ordering="partition")

    assert run.failure is None
    assert_sequential_in_offset_order(timeline.by("partition"))
    assert timeline.most_at_once == 3, "one per partition, three partitions"
    assert run.consumer.committed == ends_of(messages)


def test_no_ordering_runs_messages_of_the_same_key_at_the_same_time():
    messages = [Message(TOPIC, 0, offset, key=b"same", value=b"{}") for offset in range(24)]
    timeline = Timeline(together=8)

    run = run_loop(timeline, messages, max_in_flight=8, ordering="none")

    assert run.failure is None
    assert timeline.most_at_once == 8
    assert run.consumer.committed == {(TOPIC, 0): 24}


def test_messages_without_a_key_are_not_held_back_under_key_ordering():
    messages = [Message(TOPIC, 0, offset, key=None, value=b"{}") for offset in range(16)]
    timeline = Timeline(together=4)

    run = run_loop(timeline, messages, max_in_flight=4, ordering="key")

    assert timeline.most_at_once == 4
    assert run.consumer.committed == {(TOPIC, 0): 16}


def test_a_long_run_from_one_partition_does_not_keep_the_others_waiting():
    # A fetch often delivers a long run from one partition first; under ORDERING=partition only one of them can
    # run, and the rest must not take the slots the other partitions' messages need.
    first = [Message(TOPIC, 0, offset, key=b"a", value=b"{}") for offset in range(40)]
    others = [Message(TOPIC, partition, 0, key=b"b", value=b"{}") for partition in (1, 2)]
    messages = first + others
    timeline = Timeline(together=3)

    run = run_loop(timeline, messages, max_in_flight=8, ordering="partition")

    assert run.failure is None, "partition 0's first message ran together with those of partitions 1 and 2"
    assert timeline.most_at_once == 3
    assert_sequential_in_offset_order(timeline.by("partition"))
    assert run.consumer.committed == ends_of(messages)


def test_small_windows_still_buffer_min_buffer_messages_per_partition():
    # A pause drops librdkafka's prefetched messages and a resume waits for a new fetch: pausing must stay rare.
    assert buffer_limit(1) == buffer_limit(4) == MIN_BUFFER
    assert buffer_limit(MIN_BUFFER) == BUFFER_PER_SLOT * MIN_BUFFER


def test_large_waiting_messages_pause_their_partition_before_the_count_does():
    size = MAX_WAITING_BYTES // 8
    messages = [Message(TOPIC, 0, offset, key=b"a", value=b"x" * size) for offset in range(12)]
    consumer, _, dispatch = manual_dispatch(messages, max_in_flight=1, ordering="partition")

    while (raw := consumer.poll(0)) is not None:
        dispatch.take(raw)
    dispatch.poll_timeout_s()

    # One runs; 11 wait, holding 11/8 of the byte bound, while far fewer than MIN_BUFFER messages wait.
    assert consumer.paused == {(TOPIC, 0)}


def test_a_partition_holding_too_many_waiting_messages_is_paused_alone_and_resumed_once_half_started():
    limit = buffer_limit(4)
    messages = [Message(TOPIC, 0, offset, key=b"a", value=b"{}") for offset in range(limit + 10)]
    messages.append(Message(TOPIC, 1, 0, key=b"b", value=b"{}"))
    consumer, workers, dispatch = manual_dispatch(messages, max_in_flight=4, ordering="partition")

    while (raw := consumer.poll(0)) is not None:
        dispatch.take(raw)
        dispatch.poll_timeout_s()

    assert consumer.paused == {(TOPIC, 0)}, "only the partition that ran ahead is paused"
    assert [message.partition for message, _ in workers.started] == [0, 1], "partition 1 was not held back"
    assert consumer.remaining == 10 - 1, "partition 0 stopped being taken at one running and `limit` waiting"
    for _ in range(limit):
        if not consumer.paused:
            break
        # Under ORDERING=partition the latest started message of partition 0 is the one running.
        [done for message, done in workers.started if message.partition == 0][-1](None)
        dispatch.poll_timeout_s()
    started_from_0 = sum(1 for message, _ in workers.started if message.partition == 0)
    assert (limit + 1) - started_from_0 == limit // 2, "resumed once half of the waiting messages had started"
    assert consumer.resume_calls == 1


class SwitchedCircuit:
    """A circuit the test opens and closes by hand."""

    is_open = False

    def overdue(self) -> None:
        return None


def test_a_partition_paused_by_backpressure_and_the_circuit_resumes_once_the_circuit_closes():
    limit = buffer_limit(1)
    messages = [Message(TOPIC, 0, offset, key=b"a", value=b"{}") for offset in range(limit + 1)]
    circuit = SwitchedCircuit()
    consumer, workers, dispatch = manual_dispatch(messages, max_in_flight=1, ordering="partition", circuit=circuit)
    while (raw := consumer.poll(0)) is not None:
        dispatch.take(raw)
        dispatch.poll_timeout_s()
    assert consumer.paused == {(TOPIC, 0)}, "paused for backpressure"

    circuit.is_open = True
    dispatch.poll_timeout_s()
    while len(workers.started) <= limit // 2 + 1:
        workers.started[-1][1](None)
        dispatch.poll_timeout_s()
    assert consumer.paused == {(TOPIC, 0)}, "half have started, but the circuit is open"

    circuit.is_open = False
    dispatch.poll_timeout_s()
    assert consumer.paused == set(), "resumed when the circuit closed"


def test_full_window_pauses_the_partitions_and_resumes_when_room_frees_up():
    messages = keyed_messages(3 * buffer_limit(4) + 12, keys=1000)
    release = threading.Event()
    started: list[int] = []
    seen_while_full: dict[str, object] = {}
    shutdown = Shutdown(5.0, enforce_deadline=False)
    stop_when_stored = stop_once_stored(messages, shutdown)

    def watch_window(consumer: FakeConsumer) -> None:
        # Called by every poll that delivers nothing: the loop keeps polling while the partitions are paused.
        if consumer.paused == set(consumer.partitions) and not release.is_set():
            time.sleep(0.1)
            seen_while_full.update(started=len(started), remaining=consumer.remaining)
            release.set()
        stop_when_stored(consumer)

    consumer = FakeConsumer(messages, on_idle=watch_window)

    def blocking(message: Message) -> bool:
        started.append(message.offset)
        release.wait(5)
        return True

    run = run_loop(blocking, messages, max_in_flight=4, consumer=consumer, shutdown=shutdown)

    assert seen_while_full["started"] == 4, "no fifth message starts while four are in flight"
    taken = 4 + 3 * buffer_limit(4)
    assert seen_while_full["remaining"] == len(messages) - taken, "each partition stopped being taken at the bound"
    assert consumer.resume_calls >= 1
    assert not consumer.paused
    assert len(started) == len(messages)
    assert run.consumer.committed == ends_of(messages)
    assert "clustera_kernel_backpressure_seconds_total 0.0\n" not in run.metrics.render()


def test_while_messages_run_offsets_are_stored_at_most_every_store_interval(monkeypatch):
    clock = [10.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    messages = [Message(TOPIC, 0, offset, key=f"k{offset}".encode(), value=b"{}") for offset in range(3)]
    consumer, workers, dispatch = manual_dispatch(messages, max_in_flight=3, ordering="key")
    while (raw := consumer.poll(0)) is not None:
        dispatch.take(raw)
    dispatch.poll_timeout_s()
    [(_, first), (_, second), (_, third)] = workers.started

    first(None)
    dispatch.poll_timeout_s()
    assert consumer.stored == {}, "stored at the previous poll, less than an interval ago"
    clock[0] += STORE_INTERVAL_S
    dispatch.poll_timeout_s()
    assert consumer.stored == {(TOPIC, 0): 1}
    second(None)
    third(None)
    dispatch.poll_timeout_s()
    assert consumer.stored == {(TOPIC, 0): 3}, "nothing runs any more: stored at once"


def test_revoke_waits_for_running_messages_and_commits_them_before_release():
    messages = keyed_messages(6, keys=6)
    shutdown = Shutdown(5.0, enforce_deadline=False)
    consumer = FakeConsumer(messages, on_idle=stop_once_stored(messages, shutdown))
    # Revoked during the poll after the six messages were taken, while all six are still running.
    consumer.rebalance_at = {7: ("revoke", [(TOPIC, 1)])}

    def slow(message: Message) -> bool:
        time.sleep(0.3)
        return True

    run = run_loop(slow, messages, max_in_flight=8, consumer=consumer, shutdown=shutdown)

    assert run.failure is None
    assert consumer.committed_at_revoke is not None
    assert consumer.committed_at_revoke[(TOPIC, 1)] == 2, "both messages of partition 1 finished before the release"
    assert run.consumer.committed[(TOPIC, 0)] == 2


def test_revoke_finishes_the_running_message_and_hands_the_waiting_ones_over_unprocessed():
    # One key per partition: under ORDERING=key each partition's messages run one after another.
    messages = keyed_messages(12, keys=1)
    shutdown = Shutdown(5.0, enforce_deadline=False)
    consumer = FakeConsumer(messages, on_idle=stop_once_stored(messages, shutdown))
    consumer.rebalance_at = {13: ("revoke", [(TOPIC, 1)])}
    processed: list[Message] = []

    def slow(message: Message) -> bool:
        processed.append(message)
        time.sleep(0.05)
        return True

    run = run_loop(slow, messages, max_in_flight=8, consumer=consumer, shutdown=shutdown)

    assert run.failure is None
    assert consumer.committed_at_revoke is not None
    committed = consumer.committed_at_revoke[(TOPIC, 1)]
    # Waiting messages after the running one are not started: the next owner gets them, and nothing twice.
    assert 1 <= committed < 4
    assert sorted(m.offset for m in processed if m.partition == 1) == list(range(committed))


def test_a_stop_drops_waiting_messages_after_the_last_started_one_but_runs_those_before_it():
    # Key "-0" is slow and key "-1" fast, so later "-1" offsets finish while earlier "-0" ones wait: those must
    # run (or the finished ones would be redelivered); the waiting ones after every started one need not.
    messages = keyed_messages(3 * 400, keys=2)
    shutdown = Shutdown(5.0, enforce_deadline=False)
    consumer = FakeConsumer(messages, on_idle=lambda consumer: None)
    finished: list[Message] = []
    lock = threading.Lock()

    def slow(message: Message) -> bool:
        time.sleep(0.02 if message.key and message.key.endswith(b"-0") else 0.001)
        with lock:
            finished.append(message)
            if len(finished) == 40:
                shutdown.request("Received SIGTERM")
        return True

    run = run_loop(slow, messages, max_in_flight=4, consumer=consumer, shutdown=shutdown)

    assert run.failure is None
    assert len(finished) < len(messages) // 2, "the buffered messages after the last started one were not run"
    finished_prefix_is_committed(finished, run.consumer.committed)


def test_a_paused_partition_is_resumed_before_it_is_revoked():
    # librdkafka keeps a partition paused across a rebalance; left paused, it would never be fetched again.
    limit = buffer_limit(4)
    messages = [Message(TOPIC, 0, offset, key=b"a", value=b"{}") for offset in range(limit + 20)]
    shutdown = Shutdown(5.0, enforce_deadline=False)
    consumer = FakeConsumer(messages, on_idle=stop_once_stored(messages, shutdown))
    paused_at_revoke: list[set[tuple[str, int]]] = []
    consumer.rebalance_at = {limit + 10: ("revoke", [(TOPIC, 0)])}
    original_revoke = ConcurrentDispatch.on_revoke

    def slow(message: Message) -> bool:
        time.sleep(0.005)
        return True

    def watching_revoke(self: ConcurrentDispatch, partitions: list[object]) -> None:
        paused_at_revoke.append(set(consumer.paused))
        original_revoke(self, partitions)

    ConcurrentDispatch.on_revoke = watching_revoke  # type: ignore[method-assign]
    try:
        run = run_loop(slow, messages, max_in_flight=4, ordering="partition", consumer=consumer, shutdown=shutdown)
    finally:
        ConcurrentDispatch.on_revoke = original_revoke  # type: ignore[method-assign]

    assert run.failure is None
    assert paused_at_revoke == [{(TOPIC, 0)}], "the partition was paused when the revoke came"
    assert consumer.paused == set(), "and resumed before it was released"


def test_lost_partitions_are_not_committed():
    messages = keyed_messages(6, keys=6)
    shutdown = Shutdown(5.0, enforce_deadline=False)
    consumer = FakeConsumer(messages, on_idle=stop_once_stored(messages, shutdown))
    consumer.rebalance_at = {7: ("lost", [(TOPIC, 1)])}

    def slow(message: Message) -> bool:
        time.sleep(0.2)
        return True

    run = run_loop(slow, messages, max_in_flight=8, consumer=consumer, shutdown=shutdown)

    assert (TOPIC, 1) not in run.consumer.committed
    assert run.consumer.committed[(TOPIC, 0)] == 2


def test_fatal_error_lets_other_messages_finish_and_commits_only_before_the_failed_one():
    messages = keyed_messages(30, keys=10)
    failing = messages[13]

    def explode_once(message: Message) -> bool:
        time.sleep(0.01)
        if (message.partition, message.offset) == (failing.partition, failing.offset):
            raise KeyError("boom")
        return True

    run = run_loop(explode_once, messages, max_in_flight=8)

    assert isinstance(run.failure, ProcessingFailed)
    committed = run.consumer.committed
    assert committed[(TOPIC, failing.partition)] == failing.offset, "up to, not past, the failed message"
    assert run.metrics.messages("processed") >= 13, "messages before it, and those already running, finished"
    assert run.consumer.closed


def finished_prefix_is_committed(finished: list[Message], committed: dict[tuple[str, int], int]) -> None:
    """Every finished message is committed, with no gap before it that would make a restart redo it."""
    by_partition: dict[int, list[int]] = defaultdict(list)
    for message in finished:
        by_partition[message.partition].append(message.offset)
    for partition, offsets in by_partition.items():
        assert sorted(offsets) == list(range(committed.get((TOPIC, partition), 0))), f"partition {partition}: {offsets}"


def test_stop_request_finishes_the_messages_already_taken_and_commits_them_without_gaps():
    # Two keys per partition, so messages wait behind their key when the stop comes; more than the partitions may hold.
    messages = keyed_messages(3 * buffer_limit(4) + 60, keys=2)
    shutdown = Shutdown(5.0, enforce_deadline=False)
    consumer = FakeConsumer(messages, on_idle=lambda consumer: None)
    finished: list[Message] = []
    lock = threading.Lock()

    def slow(message: Message) -> bool:
        # Key "-0" is slow, so later offsets of key "-1" finish while earlier "-0" ones still wait behind their key.
        time.sleep(0.004 if message.key and message.key.endswith(b"-0") else 0.001)
        with lock:
            finished.append(message)
            if len(finished) >= 6:
                shutdown.request("Received SIGTERM")
        return True

    run = run_loop(slow, messages, max_in_flight=4, consumer=consumer, shutdown=shutdown)

    assert run.failure is None
    assert len(finished) < len(messages), "intake stopped"
    finished_prefix_is_committed(finished, run.consumer.committed)


def test_async_process_message_runs_on_an_event_loop_with_the_same_limits():
    messages = keyed_messages(40, keys=40)
    running = 0
    most = 0
    all_running: list[asyncio.Event] = []

    async def process(message: Message) -> bool:
        nonlocal running, most
        if not all_running:
            all_running.append(asyncio.Event())
        running += 1
        most = max(most, running)
        if most == 16:
            all_running[0].set()
        # The first sixteen wait for each other: this only ends if sixteen run at once.
        await asyncio.wait_for(all_running[0].wait(), 5)
        running -= 1
        return True

    run = run_loop(process, messages, max_in_flight=16)

    assert run.failure is None
    assert most == 16
    assert run.consumer.committed == ends_of(messages)


def test_async_process_message_one_at_a_time():
    messages = keyed_messages(5)

    async def process(message: Message) -> bool:
        await asyncio.sleep(0)
        return True

    run = run_loop(process, messages, max_in_flight=1)

    assert run.calls == [0, 0, 0, 1, 1]
    assert run.consumer.committed == ends_of(messages)


def test_async_process_message_runs_on_uvloop_when_the_kernel_depends_on_it():
    loops: list[str] = []

    async def process(message: Message) -> bool:
        loops.append(type(asyncio.get_running_loop()).__module__)
        return True

    run_loop(process, keyed_messages(3), max_in_flight=2)

    if importlib.util.find_spec("uvloop") is None:
        assert set(loops) == {asyncio.new_event_loop().__class__.__module__}
    else:
        assert set(loops) == {"uvloop"}


# --- the offset invariant, for random completion orders ---------------------------------------------------------

outcomes = st.lists(st.tuples(st.integers(min_value=0), st.booleans()), max_size=200)


@settings(max_examples=500, deadline=None)
@given(
    layout=st.lists(st.tuples(st.integers(0, 2), st.sampled_from([b"a", b"b", b"c", None])), min_size=1, max_size=40),
    ordering=st.sampled_from(["key", "partition", "none"]),
    slots=st.integers(1, 6),
    choices=outcomes,
)
def test_stored_offset_never_passes_an_unfinished_message(layout, ordering, slots, choices):
    offsets: dict[int, int] = defaultdict(int)
    messages = []
    for partition, key in layout:
        messages.append(Message(TOPIC, partition, offsets[partition] * 2, key=key))  # gaps, as after compaction
        offsets[partition] += 1
    consumer, workers, dispatch = manual_dispatch(messages, max_in_flight=slots, ordering=ordering)
    for message in messages:
        dispatch.take(FakeKafkaMessage(message))
    finished: set[tuple[int, int]] = set()
    failed_any = False
    pending = list(workers.started)
    seen = len(pending)
    picks = iter(choices)
    while pending:
        index, succeeds = next(picks, (0, True))
        message, done = pending.pop(index % len(pending))
        if succeeds:
            finished.add((message.partition, message.offset))
        failed_any = failed_any or not succeeds
        done(None if succeeds else ProcessingFailed("no"))
        dispatch.poll_timeout_s()
        pending += workers.started[seen:]
        seen = len(workers.started)
        for (_, partition), stored in consumer.stored.items():
            taken = [m.offset for m in messages if m.partition == partition]
            unfinished = [offset for offset in taken if (partition, offset) not in finished]
            assert stored <= min(unfinished, default=stored), f"partition {partition} stored past an unfinished message"
            assert all((partition, offset) in finished for offset in taken if offset < stored)
    if not failed_any:
        assert consumer.stored == ends_of(messages), "everything finished, so everything is stored"
