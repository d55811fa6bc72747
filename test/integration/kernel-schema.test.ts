// A basic kernel with a JSON Schema on the real broker: valid values reach process_message; values that break the
// schema, are not JSON or not UTF-8 never do, land in the DLQ with the reason in dlq.schema.failure, and all commit.
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { sharedInfra } from '../setup/infra.js';
import { expectCommittedToEnd } from './harness/expectations.js';
import { produce, readTopic, type WorkloadMessage } from './harness/kafka.js';
import { kernelEnv } from './harness/kernel-env.js';
import type { KernelProcess } from './harness/kernel-process.js';
import { useKernelSuite } from './harness/kernel-suite.js';
import { copyKernel, testRun } from './harness/test-run.js';

const SCHEMA = join(REPO_ROOT, 'test', 'fixtures', 'schemas', 'order.schema.json');
const TOTAL = 200;
const PARTITIONS = 3;

// Every fifth message is bad, in turn: a schema failure, not JSON, not UTF-8, and a second kind of schema failure.
const BAD: Record<number, { reason: string; value: Buffer }> = {};
const badValues = [
  { reason: 'schema', value: Buffer.from(JSON.stringify({ id: 'not-a-uuid', total: -1 })) },
  { reason: 'not-json', value: Buffer.from('{"id": ') },
  { reason: 'not-utf8', value: Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x80]) },
  { reason: 'schema', value: Buffer.from('[]') },
];
for (let i = 4, n = 0; i < TOTAL; i += 5, n += 1) BAD[i] = badValues[n % badValues.length]!;

function workload(samples: object[]): WorkloadMessage[] {
  return Array.from({ length: TOTAL }, (_, i) => ({
    key: `key-${i}`,
    partition: i % PARTITIONS,
    value: BAD[i]?.value ?? Buffer.from(JSON.stringify(samples[i % samples.length])),
  }));
}

/** Indexes of the messages process_message logged (the basic kernel logs `Received <ref> key=b'key-<i>'`). */
function processedIndexes(kernel: KernelProcess): number[] {
  return kernel.output.flatMap((line) => {
    const match = /Received \S+ key=b'key-(\d+)'/.exec(line);
    return match ? [Number(match[1])] : [];
  });
}

describe.skipIf(!sharedInfra())('basic kernel with a JSON Schema on a real broker', () => {
  const suite = useKernelSuite('basic', 'typed', ['--schema', SCHEMA]);

  it('processes only valid values, dead-letters exactly the bad ones with their reason, and commits everything', async () => {
    const run = await suite.freshRun(PARTITIONS);
    const samples = readFileSync(join(suite.project.dir, 'tests', 'sample_messages.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as object);
    await produce(suite.kafka, run.topic, workload(samples));
    const kernel = suite.start(kernelEnv(suite.infra.kafka.bootstrapServers, run, { MAX_ATTEMPTS: '5' }));

    await expectCommittedToEnd(suite.kafka, kernel, run.group, run.topic, TOTAL);

    const bad = Object.keys(BAD).map(Number);
    const valid = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => !(i in BAD));
    const processed = new Set(processedIndexes(kernel));
    expect(
      valid.filter((i) => !processed.has(i)),
      'valid values never processed',
    ).toEqual([]);
    expect(
      bad.filter((i) => processed.has(i)),
      'bad values that reached process_message',
    ).toEqual([]);

    const dead = await readTopic(suite.kafka, run.dlq, bad.length, 30_000);
    expect(dead.map((m) => m.key).sort()).toEqual(bad.map((i) => `key-${i}`).sort());
    for (const message of dead) {
      const index = Number(message.key?.replace('key-', ''));
      expect(message.headers['dlq.schema.failure'], `reason of ${message.key}`).toBe(BAD[index]!.reason);
      expect(message.headers['dlq.attempts'], `attempts of ${message.key}`).toBe('1');
      expect(message.value?.equals(BAD[index]!.value), `value of ${message.key}`).toBe(true);
    }
    const firstSchemaFailure = dead.find((m) => m.key === 'key-4')!;
    expect(firstSchemaFailure.headers['dlq.schema.fields']?.split(',')).toEqual(
      expect.arrayContaining(['id', 'total', 'customer_email']),
    );

    expect(await kernel.stop()).toBe(0);
  });

  it('test-run --invalid 10: the samples pass the schema, exactly the 10 invalid values are dead-lettered with their reason', async () => {
    const servers = suite.infra.kafka.bootstrapServers;
    const run = await testRun(suite.project.dir, [
      '--bootstrap-server',
      servers,
      '--messages',
      '40',
      '--invalid',
      '10',
    ]);

    expect(run.exitCode, `${run.result.error}\n${run.result.logTail}`).toBe(0);
    expect(run.result.messages).toMatchObject({ produced: 50, processed: 50, deadLettered: 10 });
    expect(run.result.messages.invalid).toEqual({ produced: 10, deadLettered: 10 });
    expect(run.result.samplesFrom).toBe('tests/sample_messages.jsonl, checked against schemas/order.schema.json');
  });

  it('test-run refuses a sample that breaks the schema with exit 2, before producing anything', async () => {
    const dir = copyKernel(suite.project.dir, `${suite.project.dir}-bad-sample`);
    appendFileSync(join(dir, 'tests', 'sample_messages.jsonl'), '{"id": "not-a-uuid"}\n');
    const run = await testRun(dir, ['--bootstrap-server', suite.infra.kafka.bootstrapServers]);

    expect(run.exitCode).toBe(2);
    expect(run.result.error).toMatch(
      /^tests\/sample_messages\.jsonl line \d+ breaks the schema: .*; nothing was produced\.$/,
    );
    expect(run.result.messages.produced).toBe(0);
  });
});
