"""Where messages go: a PostgreSQL table. Yours to edit: the table, the row and how a message maps to it.

Rows are keyed by the message's origin (topic, partition, offset), so a message redelivered after a crash, or sent
back from the dead-letter topic by `clustera-kernel dlq replay`, is not stored twice. Connections
are the runtime's (kernel_runtime.postgres_cursors): one per worker thread, replaced when the database restarts.
"""

import logging
import re
import threading
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import PoolTimeout

from kernel_runtime import DependencyUnavailable, Env, Message, Runtime, Service, SkipMessage
from kernel_runtime.postgres_cursors import PooledCursors, ThreadCursors, one_line, open_cursors

log = logging.getLogger(__name__)

TABLE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
# Also the default MAX_IN_FLIGHT of this kind: one message per connection. On 2 cores with PostgreSQL beside the kernel,
# bench/io-ceiling-database.sh gave rows/s at 1/2/4/8/16 of 2,926/3,166/3,667/4,153/4,559: past 8, doubling the
# connections adds about a tenth.
DEFAULT_POOL_MAX = 8
# The name the circuit's log lines, /readyz and metrics use for the database.
DEPENDENCY = "postgresql"

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS {table} (
    kafka_topic     text        NOT NULL,
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    kafka_key       bytea,
    kafka_timestamp timestamptz,
    payload         jsonb       NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kafka_topic, kafka_partition, kafka_offset)
)
"""

INSERT = """
INSERT INTO {table} (kafka_topic, kafka_partition, kafka_offset, kafka_key, kafka_timestamp, payload)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (kafka_topic, kafka_partition, kafka_offset) DO NOTHING
"""


class EventStore(Service):
    def __init__(self, pool: Any = None) -> None:
        """`pool` lets tests pass a stand-in; otherwise open() connects to DATABASE_URL."""
        self._cursors: PooledCursors | ThreadCursors = PooledCursors(pool)
        self._table_ready = False
        self._table_lock = threading.Lock()
        self.table = "kernel_events"
        # The INSERT composed once, as text: psycopg caches how it parses a text query, not a sql.Composed one.
        self._insert = ""

    def configure(self, env: Env) -> None:
        # A missing URL is reported by env; open() is then never called, so "" is never used.
        self._url = env.url("DATABASE_URL", required=True, schemes=("postgresql", "postgres"), secret=True) or ""
        self.table = env.text("DATABASE_TABLE", "kernel_events") or "kernel_events"
        if not TABLE_PATTERN.match(self.table):
            env.problem(f"DATABASE_TABLE must be a plain SQL identifier (letters, digits, _) (got {self.table!r})")
        self._pool_max = env.integer("DATABASE_POOL_MAX", DEFAULT_POOL_MAX, minimum=1)

    def capacity(self) -> int:
        # One message per connection: more would only wait for one.
        return self._pool_max

    def open(self, runtime: Runtime) -> None:
        self._cursors = open_cursors(self._url, pool_max=self._pool_max, max_in_flight=runtime.settings.max_in_flight)

    def close(self) -> None:
        self._cursors.close()

    def _create_table(self, connection: psycopg.Connection[Any]) -> None:
        # Messages run in several threads, and concurrent CREATE TABLE IF NOT EXISTS can collide in PostgreSQL.
        with self._table_lock:
            if not self._table_ready:
                table = sql.Identifier(self.table)
                connection.execute(sql.SQL(CREATE_TABLE).format(table=table))
                self._insert = sql.SQL(INSERT).format(table=table).as_string(None)
                self._table_ready = True

    def save(self, message: Message, payload: Any) -> None:
        """Insert one row; DependencyUnavailable when the database is unreachable, SkipMessage for data it rejects."""
        cursor = None
        try:
            cursor = self._cursors.take()
            if not self._table_ready:
                self._create_table(cursor.connection)
            cursor.execute(self._insert, _row(message, payload))
        except (psycopg.OperationalError, PoolTimeout) as error:
            raise DependencyUnavailable(f"database unavailable: {one_line(error)}", dependency=DEPENDENCY) from error
        except psycopg.DataError as error:
            raise SkipMessage(f"database rejected the message: {one_line(error)}") from error
        finally:
            if cursor is not None:
                self._cursors.give_back(cursor)
        if cursor.rowcount == 0:
            log.info("%s was already stored (redelivery)", message.ref)


def _row(message: Message, payload: Any) -> tuple[Any, ...]:
    timestamp = None if message.timestamp is None else datetime.fromtimestamp(message.timestamp / 1000, UTC)
    # The origin: a dead letter replayed by `clustera-kernel dlq replay` (even twice) is the row it would have been.
    topic, partition, offset = message.origin
    return (topic, partition, offset, message.key, timestamp, Jsonb(payload))
