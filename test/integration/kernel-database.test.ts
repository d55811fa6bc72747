// The generated `database` kernel against a real broker and PostgreSQL: rows, idempotent redelivery, dead letters, outages.
import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../../src/infra/postgres.js';
import { removeDir } from '../helpers/cli.js';
import { infraAvailable, requireInfra, uniqueName } from '../setup/infra.js';
import {
  buildWorkload,
  createTopics,
  groupOffsets,
  kafkaClient,
  produce,
  readTopic,
  topicSize,
  type WorkloadMessage,
} from './harness/kafka.js';
import { startKernel, type KernelProcess } from './harness/kernel-process.js';
import { expectCommittedToEnd, expectDeadLetters, locate, type Source } from './harness/expectations.js';
import { kernelEnv } from './harness/kernel-env.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';

const PARTITIONS = 3;
const payload = (i: number) => ({ id: i, text: `event ${i}` });

interface StoredRow {
  kafka_topic: string;
  kafka_partition: number;
  kafka_offset: number;
  key: string | null;
  has_timestamp: boolean;
  payload: unknown;
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

/** The kernel's rows; the table name is generated here, never user input. */
function storedRows(url: string, table: string): Promise<StoredRow[]> {
  return query<StoredRow>(
    url,
    `select kafka_topic, kafka_partition, kafka_offset::int as kafka_offset, convert_from(kafka_key, 'UTF8') as key,
            kafka_timestamp is not null as has_timestamp, payload
       from ${table} order by kafka_partition, kafka_offset`,
  );
}

/** One row per message in `expected`, each at its source's coordinates with the message's JSON. */
function expectRows(
  rows: StoredRow[],
  topic: string,
  sources: Map<string, Source>,
  expected: string[],
  tail: string,
): void {
  expect(rows.length, `rows stored\n${tail}`).toBe(expected.length);
  expect(rows.map((row) => row.key).sort(), 'keys of the stored rows').toEqual([...expected].sort());
  for (const row of rows) {
    const source = sources.get(row.key ?? '')!;
    expect(
      [row.kafka_topic, row.kafka_partition, row.kafka_offset, row.has_timestamp],
      `coordinates of the row for ${row.key}`,
    ).toEqual([topic, source.partition, source.offset, true]);
    expect(row.payload, `payload of the row for ${row.key}`).toEqual(payload(source.index));
  }
}

const tableName = () => `it_events_${randomBytes(4).toString('hex')}`;

describe.skipIf(!infraAvailable())('generated database kernel', () => {
  let project: KernelProject;
  let kafka: Kafka;
  const running: KernelProcess[] = [];

  beforeAll(async () => {
    kafka = kafkaClient(requireInfra().kafka.bootstrapServers);
    project = await generateAndInstallKernel('database');
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((kernel) => kernel.stop()));
  });

  afterAll(() => {
    if (project) removeDir(project.root);
  });

  async function prepare(count: number, malformedAt: number[] = []) {
    const topic = uniqueName('it-db');
    const dlq = `${topic}.dlq`;
    const group = uniqueName('it-db-group');
    await createTopics(kafka, [
      { topic, partitions: PARTITIONS },
      { topic: dlq, partitions: 1 },
    ]);
    return { topic, dlq, group, workload: buildWorkload(count, PARTITIONS, malformedAt, payload) };
  }

  function launch(
    topic: string,
    dlq: string,
    group: string,
    databaseUrl: string,
    table: string,
    extra: Record<string, string> = {},
  ): KernelProcess {
    const kernel = startKernel(
      project.dir,
      kernelEnv(
        requireInfra().kafka.bootstrapServers,
        { topic: topic, group: group, dlq: dlq },
        {
          DATABASE_URL: databaseUrl,
          DATABASE_TABLE: table,
          ...extra,
        },
      ),
    );
    running.push(kernel);
    return kernel;
  }

  const keysOf = (messages: WorkloadMessage[]) => messages.map((m) => m.key);

  it('stores 1,000 messages once each, even when all of them are delivered again, and dead-letters the 3 malformed ones', async () => {
    const malformedAt = [3, 500, 997];
    const { topic, dlq, group, workload } = await prepare(1000, malformedAt);
    const table = tableName();
    const url = requireInfra().postgres.url;
    await produce(kafka, topic, workload);
    const first = launch(topic, dlq, group, url, table);

    await expectCommittedToEnd(kafka, first, group, topic, 1000);

    const sources = await locate(kafka, topic, 1000);
    const valid = keysOf(workload.filter((_, i) => !malformedAt.includes(i)));
    expectRows(await storedRows(url, table), topic, sources, valid, first.tail());
    const dead = await readTopic(kafka, dlq, 3, 30_000);
    expectDeadLetters(
      dead,
      sources,
      malformedAt.map((i) => `key-${i}`),
      topic,
      group,
      first.tail(),
    );
    expect(await topicSize(kafka, dlq), 'dead letters').toBe(3);
    expect(await first.stop(), `graceful exit code\n${first.tail()}`).toBe(0);

    // Redelivery of everything: the group starts over from offset 0 on every partition.
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({
        groupId: group,
        topic,
        partitions: Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, offset: '0' })),
      });
    } finally {
      await admin.disconnect();
    }
    expect((await groupOffsets(kafka, group, topic)).committed, 'offsets after the reset').toEqual({
      0: 0,
      1: 0,
      2: 0,
    });

    const second = launch(topic, dlq, group, url, table);
    await expectCommittedToEnd(kafka, second, group, topic, 1000);
    expectRows(await storedRows(url, table), topic, sources, valid, second.tail());
  }, 300_000);

  it('keeps messages while PostgreSQL is down and stores all of them once it is back', async () => {
    const server = await startPostgres();
    try {
      const { topic, dlq, group, workload } = await prepare(60);
      const table = tableName();
      const kernel = launch(topic, dlq, group, server.url, table, {
        MAX_ATTEMPTS: '30',
        RETRY_BACKOFF_MS: '100',
        RETRY_BACKOFF_MAX_MS: '2000',
      });
      await produce(kafka, topic, workload.slice(0, 30));
      await expectCommittedToEnd(kafka, kernel, group, topic, 30);

      await server.stop();
      await produce(kafka, topic, workload.slice(30));
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const duringOutage = await groupOffsets(kafka, group, topic);
      expect(kernel.hasExited(), `the kernel keeps running through the outage\n${kernel.tail()}`).toBe(false);
      expect(
        Object.values(duringOutage.committed).reduce((sum, offset) => sum + offset, 0),
        `offsets committed while the database is down\n${kernel.tail()}`,
      ).toBe(30);
      expect(kernel.output.join('\n'), 'the kernel reports the outage').toMatch(/database unavailable/i);
      await server.start();

      await expectCommittedToEnd(kafka, kernel, group, topic, 60);
      const sources = await locate(kafka, topic, 60);
      expectRows(await storedRows(server.url, table), topic, sources, keysOf(workload), kernel.tail());
      expect(await topicSize(kafka, dlq), `dead letters\n${kernel.tail()}`).toBe(0);
    } finally {
      await Promise.all(running.splice(0).map((kernel) => kernel.stop()));
      await server.destroy();
    }
  });
});
