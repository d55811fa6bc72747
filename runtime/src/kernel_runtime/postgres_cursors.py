"""Where the store gets a cursor for one statement: a connection of each worker thread's own, or one from a pool.

With a connection per thread, each thread keeps one cursor on it. Borrowing a connection from psycopg_pool for every
message and opening a new cursor on it cost about a quarter of the kernel's CPU per row at 8 in flight: the pool's
checkout and return, and a cursor that looks up again how to send each parameter type.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

# Waiting longer than this for a connection means the database is down: a dependency failure, not the message's.
CONNECTION_TIMEOUT_S = 10
# Like psycopg_pool's max_lifetime: a thread replaces its connection once it is this old.
CONNECTION_MAX_AGE_S = 3600.0


class ThreadCursors:
    """Each thread connects once and keeps its connection, so threads must not outnumber the connections allowed.

    A broken connection is replaced at its thread's next statement; while the database is down that connect fails
    as the statement did, and the runtime's retries and circuit pace the attempts.
    """

    def __init__(self, connect: Callable[[], Any]) -> None:
        self._connect = connect
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: set[Any] = set()
        # Bumped when a connection breaks: the server went away (a restart, a failover), so every connection opened
        # before is stale too. Each is replaced at its thread's next statement, instead of failing that statement.
        self._generation = 0
        self._closed = False

    def take(self) -> Any:
        local = self._local
        cursor = getattr(local, "cursor", None)
        if cursor is not None:
            if local.generation == self._generation:
                return cursor
            self._discard(cursor.connection)
        if self._closed:
            # A message still running after the shutdown timeout must not open a connection nobody will close.
            raise psycopg.OperationalError("the store's connections are closed")
        generation = self._generation
        connection = self._connect()
        with self._lock:
            self._open.add(connection)
        local.cursor = cursor = connection.cursor()
        local.generation = generation
        local.replace_at = time.monotonic() + CONNECTION_MAX_AGE_S
        return cursor

    def give_back(self, cursor: Any) -> None:
        """Keeps a healthy connection for the thread's next statement."""
        connection = cursor.connection
        if connection.broken or connection.closed:
            with self._lock:
                # Only a connection of the latest generation says something new: a stale one breaking after a restart
                # must not retire the connections opened since.
                if self._local.generation == self._generation:
                    self._generation += 1
        elif time.monotonic() < self._local.replace_at:
            return
        self._discard(connection)

    def close(self) -> None:
        """Closes every connection not in use; one still running a statement (past the shutdown timeout) is left to
        the process's exit, as closing it under its thread could crash libpq."""
        with self._lock:
            self._closed = True
            self._generation += 1
            connections, self._open = self._open, set()
        for connection in connections:
            if connection.lock.acquire(blocking=False):
                try:
                    connection.close()
                finally:
                    connection.lock.release()

    def _discard(self, connection: Any) -> None:
        self._local.cursor = None
        with self._lock:
            self._open.discard(connection)
        connection.close()


class PooledCursors:
    """A connection borrowed from the pool for every statement: for more threads than connections."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    def take(self) -> Any:
        connection = self._pool.getconn()
        try:
            return connection.cursor()
        except BaseException:
            self._pool.putconn(connection)
            raise

    def give_back(self, cursor: Any) -> None:
        self._pool.putconn(cursor.connection)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()


def open_cursors(url: str, *, pool_max: int, max_in_flight: int) -> ThreadCursors | PooledCursors:
    """A connection per worker thread while every message in flight can have one; else a pool lends one per statement.

    Connections are made at the first statement, so a database that is down at start-up delays messages (retried)
    instead of stopping the kernel.
    """
    if max_in_flight <= pool_max:
        return ThreadCursors(lambda: psycopg.connect(url, autocommit=True, connect_timeout=CONNECTION_TIMEOUT_S))
    pool = ConnectionPool(
        url,
        min_size=1,
        max_size=pool_max,
        timeout=CONNECTION_TIMEOUT_S,
        kwargs={"autocommit": True},
        open=False,
    )
    pool.open(wait=False)
    return PooledCursors(pool)


def one_line(error: BaseException) -> str:
    """libpq puts a hint on a second, indented line ("Is the server running ..."); logs and dead letters want one."""
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip())
