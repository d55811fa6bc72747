"""The database ceiling: the rows a database kernel writes, inserted by POOL threads through a psycopg pool of POOL.

  db_bare_loop.py stream|preread BOOTSTRAP TOPIC DATABASE_URL TABLE POOL

Each thread holds one pooled connection and inserts one row per message with the kernel's statement (autocommit, as
the kernel's pool), so nothing but psycopg and PostgreSQL stands between two rows. `stream` polls the topic while the
threads insert (the broker and librdkafka cost it what they cost the kernel; it commits nothing); `preread` reads the
whole topic first, untimed, leaving PostgreSQL the machine. Prints "ready" and "done" with its own CPU seconds.
"""

import json
import os
import queue
import sys
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from confluent_kafka import Consumer, TopicPartition
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

sys.path.insert(0, ".")  # run from the kernel's directory: its store.py holds the table and the statement
from store import CREATE_TABLE, INSERT  # noqa: E402


def read_topic(bootstrap: str, topic: str, into: "queue.Queue[tuple[Any, ...] | None]") -> None:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"bare-db-{uuid.uuid4().hex[:8]}", "enable.auto.commit": False})
    metadata = consumer.list_topics(topic, timeout=10).topics[topic]
    ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in metadata.partitions}
    consumer.assign([TopicPartition(topic, p, 0) for p in metadata.partitions])
    left = sum(ends.values())
    while left > 0:
        message = consumer.poll(1.0)
        if message is None or message.error():
            continue
        _, ms = message.timestamp()
        into.put((message.topic(), message.partition(), message.offset(), message.key(), ms, message.value()))
        left -= 1
    consumer.close()


def main() -> None:
    mode, bootstrap, topic, url, table, pool_size = sys.argv[1:7]
    insert = sql.SQL(INSERT).format(table=sql.Identifier(table)).as_string(None)
    pool = ConnectionPool(url, min_size=int(pool_size), max_size=int(pool_size), kwargs={"autocommit": True}, open=True)
    pool.wait()
    with pool.connection() as connection:
        connection.execute(sql.SQL(CREATE_TABLE).format(table=sql.Identifier(table)))
    # Streaming, the queue holds as many rows as the kernel may hold waiting per partition times three partitions.
    work: queue.Queue[tuple[Any, ...] | None] = queue.Queue(maxsize=0 if mode == "preread" else 3 * 128)
    if mode == "preread":
        read_topic(bootstrap, topic, work)

    def insert_rows() -> None:
        with pool.connection() as connection:
            while (row := work.get()) is not None:
                topic_, partition, offset, key, ms, value = row
                timestamp = datetime.fromtimestamp(ms / 1000, UTC)
                connection.execute(insert, (topic_, partition, offset, key, timestamp, Jsonb(json.loads(value))))

    # Its own CPU time (user + system) as it starts and ends inserting: what db_measure.py reports per 1,000 rows.
    print("ready", sum(os.times()[:2]), flush=True)
    threads = [threading.Thread(target=insert_rows) for _ in range(int(pool_size))]
    for thread in threads:
        thread.start()
    if mode == "stream":
        read_topic(bootstrap, topic, work)
    for thread in threads:
        work.put(None)
    for thread in threads:
        thread.join()
    print("done", sum(os.times()[:2]), flush=True)
    pool.close()


if __name__ == "__main__":
    main()
