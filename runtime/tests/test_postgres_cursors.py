"""Cursors on a connection of each thread's own, or on one borrowed from a pool per statement."""

import threading
import time
from dataclasses import dataclass, field

import psycopg
import pytest

from kernel_runtime import postgres_cursors as cursors
from kernel_runtime.postgres_cursors import PooledCursors, ThreadCursors, one_line, open_cursors


@dataclass(eq=False)
class FakeConnection:
    broken: bool = False
    closed: bool = False
    # psycopg holds it while a statement runs.
    lock: threading.Lock = field(default_factory=threading.Lock)

    def cursor(self) -> "FakeCursor":
        return FakeCursor(self)

    def close(self) -> None:
        self.closed = True


@dataclass(eq=False)
class FakeCursor:
    connection: FakeConnection


@dataclass
class Connector:
    made: list[FakeConnection] = field(default_factory=list)

    def __call__(self) -> FakeConnection:
        self.made.append(FakeConnection())
        return self.made[-1]


def use_once(cursors_: ThreadCursors | PooledCursors) -> FakeConnection:
    """Takes a cursor for one statement, gives it back and says on which connection it ran."""
    cursor = cursors_.take()
    cursors_.give_back(cursor)
    return cursor.connection


def in_thread(function):
    result = []
    thread = threading.Thread(target=lambda: result.append(function()))
    thread.start()
    thread.join()
    return result[0]


def test_a_thread_keeps_its_connection_and_cursor_and_another_thread_connects_its_own():
    connect = Connector()
    per_thread = ThreadCursors(connect)
    cursor = per_thread.take()
    per_thread.give_back(cursor)

    assert per_thread.take() is cursor, "the same cursor, which knows how to send each parameter type already"
    other = in_thread(lambda: use_once(per_thread))
    assert other is not cursor.connection
    assert connect.made == [cursor.connection, other]
    assert not cursor.connection.closed


def test_a_broken_connection_is_closed_and_the_next_statement_connects_again():
    connect = Connector()
    per_thread = ThreadCursors(connect)
    cursor = per_thread.take()

    cursor.connection.broken = True
    per_thread.give_back(cursor)

    assert cursor.connection.closed
    assert use_once(per_thread) is not cursor.connection


def test_once_one_connection_breaks_the_others_opened_before_are_replaced_not_tried():
    per_thread = ThreadCursors(Connector())
    theirs: list[FakeConnection] = []
    used, go_on = threading.Event(), threading.Event()

    def worker() -> None:
        # One long-lived thread, as a worker is: its statement before mine broke, and its statement after.
        theirs.append(use_once(per_thread))
        used.set()
        go_on.wait()
        theirs.append(use_once(per_thread))

    thread = threading.Thread(target=worker)
    thread.start()
    used.wait()
    cursor = per_thread.take()
    cursor.connection.broken = True
    per_thread.give_back(cursor)
    go_on.set()
    thread.join()

    before, after = theirs
    assert before.closed, "the server that broke mine is gone: theirs was closed"
    assert after is not before
    assert not after.closed


def test_a_connection_is_replaced_once_it_is_old(monkeypatch):
    per_thread = ThreadCursors(Connector())
    clock = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    first = use_once(per_thread)

    clock[0] += cursors.CONNECTION_MAX_AGE_S - 1
    assert use_once(per_thread) is first
    clock[0] += 2
    assert use_once(per_thread) is first, "closed after this statement"

    assert first.closed
    assert use_once(per_thread) is not first


def test_closing_closes_every_thread_connection():
    per_thread = ThreadCursors(Connector())
    mine = use_once(per_thread)
    theirs = in_thread(lambda: use_once(per_thread))

    per_thread.close()

    assert mine.closed and theirs.closed


def test_a_stale_connection_breaking_does_not_retire_the_ones_opened_since():
    per_thread = ThreadCursors(Connector())
    taken, broke, finished = threading.Event(), threading.Event(), threading.Event()

    def worker() -> None:
        # Its statement started before the restart and fails after mine did.
        cursor = per_thread.take()
        taken.set()
        broke.wait()
        cursor.connection.broken = True
        per_thread.give_back(cursor)
        finished.set()

    thread = threading.Thread(target=worker)
    thread.start()
    taken.wait()
    mine = per_thread.take()
    mine.connection.broken = True
    per_thread.give_back(mine)
    replacement = use_once(per_thread)
    broke.set()
    finished.wait()
    thread.join()

    assert use_once(per_thread) is replacement, "a connection opened after the restart stays"


def test_closing_leaves_a_connection_in_use_open_and_opens_no_new_one():
    per_thread = ThreadCursors(Connector())
    idle = use_once(per_thread)
    busy = in_thread(lambda: use_once(per_thread))
    busy.lock.acquire()  # a statement still running past the shutdown timeout

    per_thread.close()

    assert idle.closed
    assert not busy.closed
    with pytest.raises(psycopg.OperationalError, match="closed"):
        per_thread.take()


class FakePool:
    def __init__(self) -> None:
        self.lent: list[FakeConnection] = []
        self.returned: list[FakeConnection] = []

    def getconn(self) -> FakeConnection:
        self.lent.append(FakeConnection())
        return self.lent[-1]

    def putconn(self, connection: FakeConnection) -> None:
        self.returned.append(connection)

    def open(self, wait: bool) -> None:
        assert wait is False, "a database down at start-up must not stop the kernel from starting"


def test_pooled_connections_go_back_after_every_statement():
    pool = FakePool()
    pooled = PooledCursors(pool)

    first, second = use_once(pooled), use_once(pooled)

    assert pool.returned == [first, second] == pool.lent


class ClosedConnection(FakeConnection):
    def cursor(self) -> "FakeCursor":
        raise psycopg.OperationalError("the connection is closed")


def test_a_pooled_connection_goes_back_when_no_cursor_can_be_opened_on_it():
    pool = FakePool()
    closed = ClosedConnection(closed=True)
    pool.getconn = lambda: closed  # type: ignore[method-assign]

    with pytest.raises(psycopg.OperationalError):
        PooledCursors(pool).take()

    assert pool.returned == [closed]


@pytest.mark.parametrize(("max_in_flight", "expected"), [(8, ThreadCursors), (9, PooledCursors)])
def test_threads_keep_connections_only_when_there_is_one_for_each(monkeypatch, max_in_flight, expected):
    monkeypatch.setattr(cursors, "ConnectionPool", lambda *args, **kwargs: FakePool())

    chosen = open_cursors("postgresql://db/events", pool_max=8, max_in_flight=max_in_flight)

    assert isinstance(chosen, expected)


def test_a_libpq_error_and_its_hint_read_as_one_line():
    error = psycopg.OperationalError("connection failed: refused\n\tIs the server running on that host?\n")

    assert one_line(error) == "connection failed: refused; Is the server running on that host?"
