// The generated `database` kernel against a real broker and a PostgreSQL that is really stopped (pg_ctl stop) and
// started again mid-stream: the circuit opens, nothing is dead-lettered, and a row PostgreSQL rejects still is.
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../src/infra/postgres.js';
import { removeDir } from '../helpers/cli.js';
import { infraAvailable, requireInfra, uniqueName } from '../setup/infra.js';
import { expectCommittedToEnd } from './harness/expectations.js';
import { createTopics, groupOffsets, kafkaClient, produce, readTopic, topicSize } from './harness/kafka.js';
import { kernelEnv, type KernelRun } from './harness/kernel-env.js';
import { exitCodeWithin, startKernel, type KernelProcess } from './harness/kernel-process.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';
import {
  BACKLOG,
  CIRCUIT_ENV,
  expectCommittedPrefixDelivered,
  expectOrderPerKey,
  keyedBacklog,
  linesMatching,
  OUTAGE_MS,
  PARTITIONS,
  PROBE_MAX_MS,
  waitUntil,
} from './harness/outage.js';

interface Row {
  ref: string;
  key: string;
  stored_at: Date;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * The kernel's table, made beforehand (its CREATE TABLE IF NOT EXISTS keeps it) with an arrival number for the
 * order rows came in and a 10 ms trigger, so 2,000 rows take long enough to stop PostgreSQL mid-stream.
 */
async function createSlowTable(url: string, table: string): Promise<void> {
  await query(
    url,
    `create table ${table} (
       kafka_topic text not null, kafka_partition integer not null, kafka_offset bigint not null,
       kafka_key bytea, kafka_timestamp timestamptz, payload jsonb not null,
       stored_at timestamptz not null default clock_timestamp(), arrival bigserial,
       primary key (kafka_topic, kafka_partition, kafka_offset));
     create function ${table}_slow() returns trigger language plpgsql as
       $$ begin perform pg_sleep(0.01); return new; end $$;
     create trigger ${table}_slow before insert on ${table} for each row execute function ${table}_slow();`,
  );
}

function storedRows(url: string, table: string): Promise<Row[]> {
  return query<Row>(
    url,
    `select kafka_topic || '-' || kafka_partition || '-' || kafka_offset as ref,
            convert_from(kafka_key, 'UTF8') as key, stored_at
       from ${table} order by arrival`,
  );
}

async function rowCount(url: string, table: string): Promise<number> {
  try {
    return Number((await query<{ n: string }>(url, `select count(*) as n from ${table}`))[0]!.n);
  } catch {
    return -1;
  }
}

describe.skipIf(!infraAvailable())('generated database kernel and a PostgreSQL outage', () => {
  let project: KernelProject;
  let kafka: Kafka;
  let server: PostgresServer;
  const running: KernelProcess[] = [];

  beforeAll(async () => {
    kafka = kafkaClient(requireInfra().kafka.bootstrapServers);
    [project, server] = await Promise.all([generateAndInstallKernel('database'), startPostgres()]);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((kernel) => kernel.stop()));
    await server.start().catch(() => undefined);
  });

  afterAll(async () => {
    await server?.destroy();
    if (project) removeDir(project.root);
  });

  async function backlog(poisonAt?: number): Promise<KernelRun & { table: string }> {
    const run = {
      topic: uniqueName('it-circuit-db'),
      group: uniqueName('it-circuit-db-group'),
      dlq: uniqueName('it-circuit-db-dlq'),
    };
    const table = `it_circuit_${randomBytes(4).toString('hex')}`;
    await createTopics(kafka, [
      { topic: run.topic, partitions: PARTITIONS },
      { topic: run.dlq, partitions: 1 },
    ]);
    await createSlowTable(server.url, table);
    // A NUL character is valid JSON that PostgreSQL's jsonb refuses: a message-specific failure.
    const workload = keyedBacklog(BACKLOG, (i, user) =>
      i === poisonAt ? { seq: i, user, note: '\u0000' } : { seq: i, user },
    );
    await produce(kafka, run.topic, workload);
    return { ...run, table };
  }

  function launch(run: KernelRun & { table: string }, extra: Record<string, string> = {}): KernelProcess {
    const kernel = startKernel(
      project.dir,
      kernelEnv(requireInfra().kafka.bootstrapServers, run, {
        DATABASE_URL: server.url,
        DATABASE_TABLE: run.table,
        ...CIRCUIT_ENV,
        ...extra,
      }),
    );
    running.push(kernel);
    return kernel;
  }

  async function stopWhenStored(run: { table: string }, kernel: KernelProcess, rows: number): Promise<number> {
    let stored = 0;
    const poll = setInterval(
      () => void rowCount(server.url, run.table).then((n) => (stored = Math.max(stored, n))),
      100,
    );
    try {
      await waitUntil(() => kernel.hasExited() || stored >= rows, 120_000);
    } finally {
      clearInterval(poll);
    }
    await server.stop();
    return stored;
  }

  it('waits out PostgreSQL stopped for 30 s mid-stream with 2,000 messages: all stored once, none dead-lettered', async () => {
    const run = await backlog();
    const kernel = launch(run);
    const beforeStop = await stopWhenStored(run, kernel, 200);
    const stoppedAt = Date.now();
    await kernel.waitForOutput(/Circuit opened: /, 60_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(OUTAGE_MS - (Date.now() - stoppedAt), 0)));
    await server.start();
    const backAt = Date.now();

    await expectCommittedToEnd(kafka, kernel, run.group, run.topic, BACKLOG);

    const rows = await storedRows(server.url, run.table);
    expect(rows.length, `rows stored\n${kernel.tail()}`).toBe(BACKLOG);
    expect(new Set(rows.map((row) => row.ref)).size, 'one row per message').toBe(BACKLOG);
    expect(await topicSize(kafka, run.dlq), `dead letters\n${kernel.tail()}`).toBe(0);
    expectOrderPerKey(rows);
    const afterReturn = rows.filter((row) => row.stored_at.getTime() >= backAt);
    const firstBack = afterReturn[0]!.stored_at.getTime() - backAt;
    const firstSecond = afterReturn.filter((row) => row.stored_at.getTime() < backAt + firstBack + 1000).length;
    console.log(
      `[circuit database] PostgreSQL stopped after ${beforeStop}+ rows for ${backAt - stoppedAt} ms; first row ${firstBack} ms after it was back; ` +
        `${firstSecond} rows in the first second after that (at most ~800/s with the default 8 in flight and a 10 ms trigger); ` +
        `${rows.length} stored, 0 dead-lettered; ${linesMatching(kernel, /Circuit closed/).join(' ')}`,
    );
    expect(firstBack, 'resumed within one probe interval of PostgreSQL returning').toBeLessThanOrEqual(
      PROBE_MAX_MS + 2000,
    );
    expect(
      linesMatching(kernel, /Circuit opened: /),
      `one line when the circuit opened\n${kernel.tail()}`,
    ).toHaveLength(1);
    expect(
      linesMatching(kernel, /Circuit closed: postgresql answered again after/),
      'one line when it closed',
    ).toHaveLength(1);
    expect(await kernel.stop(), `graceful exit code\n${kernel.tail()}`).toBe(0);
  });

  it('still dead-letters, at its first attempt, a message PostgreSQL rejects while the database is up', async () => {
    const run = await backlog(500);
    const kernel = launch(run);

    await expectCommittedToEnd(kafka, kernel, run.group, run.topic, BACKLOG);

    const dead = await readTopic(kafka, run.dlq, 1, 30_000);
    expect(
      dead.map((m) => JSON.parse(m.value!.toString()).seq),
      `the dead letter\n${kernel.tail()}`,
    ).toEqual([500]);
    expect(dead[0]!.headers['dlq.error.class'], 'its error class').toBe('SkipMessage');
    expect(dead[0]!.headers['dlq.attempts'], 'attempts').toBe('1');
    expect((await storedRows(server.url, run.table)).length, 'the others stored').toBe(BACKLOG - 1);
    expect(linesMatching(kernel, /Circuit opened/), `the circuit stayed closed\n${kernel.tail()}`).toEqual([]);
  });

  it('one message at a time: exits 1 past CIRCUIT_MAX_OPEN_S with the committed prefix stored, and a restart finishes', async () => {
    const run = await backlog();
    const first = launch(run, { MAX_IN_FLIGHT: '1', MAX_ATTEMPTS: '2', CIRCUIT_MAX_OPEN_S: '5' });
    await stopWhenStored(run, first, 100);

    expect(await exitCodeWithin(first, 90_000), `exit code past the bound\n${first.tail()}`).toBe(1);
    expect(first.output.join('\n'), 'the log names the bound').toMatch(/still unavailable after .*CIRCUIT_MAX_OPEN_S/);
    await server.start();
    const committed = (await groupOffsets(kafka, run.group, run.topic)).committed;
    const stored = new Set((await storedRows(server.url, run.table)).map((row) => row.ref));
    expectCommittedPrefixDelivered(committed, run.topic, stored);
    expect(
      Object.values(committed).some((offset) => offset > 0),
      `something was committed\n${first.tail()}`,
    ).toBe(true);
    expect(await topicSize(kafka, run.dlq), `dead letters\n${first.tail()}`).toBe(0);

    const second = launch(run, { MAX_IN_FLIGHT: '1' });
    await expectCommittedToEnd(kafka, second, run.group, run.topic, BACKLOG);
    expect((await storedRows(server.url, run.table)).length, 'every message stored once across both runs').toBe(
      BACKLOG,
    );
    expect(await topicSize(kafka, run.dlq), 'dead letters after the restart').toBe(0);
  });

  it('exits 0 on SIGTERM within the shutdown timeout while PostgreSQL is stopped', async () => {
    const run = await backlog();
    const kernel = launch(run, { SHUTDOWN_TIMEOUT_S: '10' });
    await stopWhenStored(run, kernel, 100);
    await kernel.waitForOutput(/Circuit opened: /, 60_000);

    const stoppedAt = Date.now();
    kernel.signal('SIGTERM');
    const code = await exitCodeWithin(kernel, 15_000);
    const stopMs = Date.now() - stoppedAt;
    console.log(`[circuit database] SIGTERM while open: exit ${code} after ${stopMs} ms`);
    expect(code, `exit code after SIGTERM while open\n${kernel.tail()}`).toBe(0);
    expect(stopMs, 'within SHUTDOWN_TIMEOUT_S').toBeLessThan(10_000);
    expect(await topicSize(kafka, run.dlq), 'dead letters').toBe(0);
    await server.start();
    const committed = (await groupOffsets(kafka, run.group, run.topic)).committed;
    const stored = new Set((await storedRows(server.url, run.table)).map((row) => row.ref));
    expectCommittedPrefixDelivered(committed, run.topic, stored);
  });
});
