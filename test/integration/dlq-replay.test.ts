// `clustera-kernel dlq` against a real broker: an http kernel whose API rejects 10 % of messages dead-letters them;
// stats counts them, a dry run writes nothing, and a replay killed midway and run again sends each back exactly once.
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS, ORIGIN_HEADERS, REPLAY_HEADERS } from '../../src/facts.js';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';
import { removeDir } from '../helpers/cli.js';
import { type FakeService, startFakeService } from '../setup/fake-services.js';
import { infraAvailable, requireInfra, uniqueName } from '../setup/infra.js';
import {
  buildWorkload,
  createTopics,
  kafkaClient,
  produce,
  topicSize,
  waitForCommittedToEnd,
} from './harness/kafka.js';
import { kernelEnv, type KernelRun } from './harness/kernel-env.js';
import { type KernelProcess, startKernel } from './harness/kernel-process.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';

const MESSAGES = 200;
const PARTITIONS = 3;
const payload = (i: number) => ({ id: i, text: `event ${i}` });
/** Every tenth message is refused with a 400 while the API is "broken": the kernel dead-letters it. */
const refused = (id: number) => id % 10 === 3;
const REFUSED = Array.from({ length: MESSAGES }, (_, i) => i).filter(refused).length;

interface Landed {
  key: string;
  value: Buffer;
  partition: number;
  offset: number;
  timestamp: string;
  headers: Record<string, string>;
}

/** Everything a read_committed consumer sees, until nothing new arrives for a while after at least `atLeast`. */
async function readCommitted(kafka: Kafka, topic: string, atLeast: number): Promise<Landed[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('dlq-reader'), readUncommitted: false });
  const landed: Landed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let last = Date.now();
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        last = Date.now();
        landed.push({
          key: message.key?.toString() ?? '',
          value: message.value ?? Buffer.alloc(0),
          partition,
          offset: Number(message.offset),
          timestamp: message.timestamp,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
          ),
        });
      },
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && (landed.length < atLeast || Date.now() - last < 1500)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return landed;
  } finally {
    await consumer.disconnect();
  }
}

describe.skipIf(!infraAvailable())('clustera-kernel dlq', () => {
  let project: KernelProject;
  let kafka: Kafka;
  let api: FakeService;
  let apiBroken = true;
  const running: KernelProcess[] = [];

  beforeAll(async () => {
    kafka = kafkaClient(requireInfra().kafka.bootstrapServers);
    api = await startFakeService((request) => {
      const id = (JSON.parse(request.body) as { id: number }).id;
      return apiBroken && refused(id) ? { status: 400, body: { error: 'bad' } } : { status: 200, body: { ok: true } };
    });
    project = await generateAndInstallKernel('http');
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((kernel) => kernel.stop()));
  });
  afterAll(async () => {
    await api?.close();
    if (project) removeDir(project.root);
  });

  function env(run: KernelRun, extra: Record<string, string> = {}): Record<string, string> {
    return kernelEnv(requireInfra().kafka.bootstrapServers, run, { API_BASE_URL: api.url, ...extra });
  }

  function cliEnv(run: KernelRun, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(KAFKA_|DLQ_TOPIC|API_)/.test(name)),
    );
    return { ...clean, ...resolveUvEnvironment(clean), ...env(run), ...extra };
  }

  /** `uv run clustera-kernel dlq …`; `direct` runs the console script itself, so SIGKILL reaches the replay, not uv. */
  function dlq(
    run: KernelRun,
    args: string[],
    extra: Record<string, string> = {},
    direct = false,
  ): ResultPromise<{ all: true; reject: false; extendEnv: false }> {
    const [command, prefix] = direct
      ? [join(project.dir, '.venv', 'bin', 'clustera-kernel'), []]
      : ['uv', ['run', '--no-sync', 'clustera-kernel']];
    return execa(command, [...prefix, 'dlq', ...args], {
      cwd: project.dir,
      env: cliEnv(run, extra),
      extendEnv: false,
      reject: false,
      all: true,
    });
  }

  async function offsetsOf(run: KernelRun): Promise<unknown> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = async (topic: string) => (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]);
      const committed = async (groupId: string, topic: string) =>
        (await admin.fetchOffsets({ groupId, topics: [topic] })).flatMap((t) =>
          t.partitions.map((p) => [p.partition, p.offset]),
        );
      return {
        topic: await ends(run.topic),
        dlq: await ends(run.dlq),
        kernelGroup: await committed(run.group, run.topic),
        replayGroup: await committed(`${run.group}.dlq-replay`, run.dlq),
      };
    } finally {
      await admin.disconnect();
    }
  }

  async function replayPosition(run: KernelRun): Promise<number> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId: `${run.group}.dlq-replay`, topics: [run.dlq] });
      return Math.max(0, ...(offsets?.partitions ?? []).map((p) => Number(p.offset)));
    } finally {
      await admin.disconnect();
    }
  }

  /** Fresh topics; the kernel runs against the broken API until every message is committed, dead letters included. */
  async function deadLettered(): Promise<{ run: KernelRun; originals: Landed[] }> {
    const run = { topic: uniqueName('dlq-in'), group: uniqueName('dlq-group'), dlq: uniqueName('dlq-dlq') };
    await createTopics(kafka, [
      { topic: run.topic, partitions: PARTITIONS },
      { topic: run.dlq, partitions: 1 },
    ]);
    await produce(kafka, run.topic, buildWorkload(MESSAGES, PARTITIONS, [], payload));
    apiBroken = true;
    const kernel = startKernel(project.dir, env(run));
    running.push(kernel);
    const offsets = await waitForCommittedToEnd(kafka, run.group, run.topic, 90_000, () => !kernel.hasExited());
    expect(offsets.committed, kernel.tail()).toEqual(offsets.end);
    await kernel.stop();
    expect(await topicSize(kafka, run.dlq), `dead letters\n${kernel.tail()}`).toBe(REFUSED);
    return { run, originals: await readCommitted(kafka, run.topic, MESSAGES) };
  }

  it('counts, dry-runs, and replays each dead letter exactly once across a SIGKILL', async () => {
    const { run, originals } = await deadLettered();

    const stats = await dlq(run, ['stats', '--json']);
    expect(stats.exitCode, stats.all).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({
      total: REFUSED,
      by_error_class: { SkipMessage: REFUSED },
      pending: REFUSED,
      replayed: 0,
      parked: 0,
    });

    const shown = await dlq(run, ['show', '--json']);
    expect(shown.exitCode, shown.all).toBe(0);
    const rows = shown.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows).toHaveLength(REFUSED);
    expect(rows[0]).toMatchObject({ error_class: 'SkipMessage', attempts: 1, replays: 0 });
    expect(rows.every((row) => !('value' in row) && String(row.source).startsWith(run.topic))).toBe(true);
    const withValue = await dlq(run, ['show', '--values', '--limit', '1', '--json']);
    expect(JSON.parse(withValue.stdout).value).toMatch(/^\{"id":\d+3,/);

    const before = await offsetsOf(run);
    const dry = await dlq(run, ['replay', '--dry-run']);
    expect(dry.exitCode, dry.all).toBe(0);
    expect(dry.stdout.split('\n').filter((line) => line.startsWith('would send'))).toHaveLength(REFUSED);
    expect(await offsetsOf(run), 'end offsets and group offsets after a dry run').toEqual(before);

    apiBroken = false;
    const killed = dlq(run, ['replay', '--rate', '8'], {}, true);
    const deadline = Date.now() + 30_000;
    let position = 0;
    while (Date.now() < deadline && position === 0 && killed.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      position = await replayPosition(run);
    }
    killed.kill('SIGKILL');
    const first = await killed;
    expect(position, `the first run committed part of the DLQ before the kill\n${first.all}`).toBeGreaterThan(0);
    expect(position, 'killed midway').toBeLessThan(REFUSED);

    const rerun = await dlq(run, ['replay']);
    expect(rerun.exitCode, rerun.all).toBe(0);
    expect(await replayPosition(run)).toBe(REFUSED);

    const landed = await readCommitted(kafka, run.topic, MESSAGES + REFUSED);
    expect(landed.length, 'messages in the source topic, read_committed').toBe(MESSAGES + REFUSED);
    const replayed = landed.filter((message) => REPLAY_HEADERS.count in message.headers);
    const byKey = new Map(originals.map((message) => [message.key, message]));
    const refusedKeys = originals.filter((m) => refused(Number(m.key.replace('key-', '')))).map((m) => m.key);
    expect(replayed.map((m) => m.key).sort(), 'each dead letter back once').toEqual([...refusedKeys].sort());
    for (const message of replayed) {
      const original = byKey.get(message.key)!;
      expect(message.value.equals(original.value), `value of ${message.key}`).toBe(true);
      expect([message.partition, message.timestamp], `partition and timestamp of ${message.key}`).toEqual([
        original.partition,
        original.timestamp,
      ]);
      const own = Object.entries(message.headers).filter(([name]) => !/^(origin|replay)\./.test(name));
      expect(Object.fromEntries(own), `original headers of ${message.key}`).toEqual(original.headers);
      expect(message.headers[DEAD_LETTER_HEADERS.errorClass]).toBeUndefined();
      expect(
        [ORIGIN_HEADERS.topic, ORIGIN_HEADERS.partition, ORIGIN_HEADERS.offset].map((name) => message.headers[name]),
      ).toEqual([run.topic, String(original.partition), String(original.offset)]);
      expect(message.headers[REPLAY_HEADERS.count]).toBe('1');
      expect(message.headers[REPLAY_HEADERS.dlqTopic]).toBe(run.dlq);
    }

    // With the API fixed, the kernel forwards each replayed message once. Its committed offsets stay short of the end
    // offsets: each replay transaction's commit marker takes the last offset of its partition.
    api.reset();
    const kernel = startKernel(project.dir, env(run));
    running.push(kernel);
    const until = Date.now() + 30_000;
    while (Date.now() < until && api.requests.length < REFUSED)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const ids = api.requests.map((request) => (JSON.parse(request.body) as { id: number }).id);
    // The Idempotency-Key is the message's origin, not its new offset: a second replay would be the same request.
    expect(api.requests.map((request) => String(request.headers['idempotency-key'])).sort()).toEqual(
      refusedKeys.map((key) => `${run.topic}-${byKey.get(key)!.partition}-${byKey.get(key)!.offset}`).sort(),
    );
    expect(ids.sort((a, b) => a - b)).toEqual(
      refusedKeys.map((key) => Number(key.replace('key-', ''))).sort((a, b) => a - b),
    );

    const after = await dlq(run, ['stats', '--json']);
    expect(JSON.parse(after.stdout)).toMatchObject({ total: REFUSED, replayed: REFUSED, pending: 0 });
  });

  it('never doubles or loses a dead letter across replays killed at random points', async () => {
    const run = { topic: uniqueName('dlq-in'), group: uniqueName('dlq-group'), dlq: uniqueName('dlq-dlq') };
    await createTopics(kafka, [
      { topic: run.topic, partitions: PARTITIONS },
      { topic: run.dlq, partitions: 1 },
    ]);
    const letters = 60;
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: run.dlq,
      messages: Array.from({ length: letters }, (_, i) => ({
        key: `key-${i}`,
        value: JSON.stringify(payload(i)),
        headers: {
          [DEAD_LETTER_HEADERS.sourceTopic]: run.topic,
          [DEAD_LETTER_HEADERS.sourcePartition]: String(i % PARTITIONS),
          [DEAD_LETTER_HEADERS.sourceOffset]: String(i),
          [DEAD_LETTER_HEADERS.errorClass]: 'SkipMessage',
        },
      })),
    });
    await producer.disconnect();

    const positions: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      const child = dlq(run, ['replay', '--rate', '40'], {}, true);
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 1700));
      child.kill('SIGKILL');
      await child;
      positions.push(await replayPosition(run));
    }
    const last = await dlq(run, ['replay']);
    expect(last.exitCode, last.all).toBe(0);

    const landed = await readCommitted(kafka, run.topic, letters);
    const keys = landed.map((message) => message.key).sort();
    expect(keys, `positions after each kill: ${positions.join(', ')}`).toEqual(
      Array.from({ length: letters }, (_, i) => `key-${i}`).sort(),
    );
    expect(
      [...positions].sort((a, b) => a - b),
      'the position never goes back',
    ).toEqual(positions);
  });

  it('refuses bad input with one line and sends nothing', async () => {
    const run = { topic: uniqueName('dlq-in'), group: uniqueName('dlq-group'), dlq: uniqueName('dlq-dlq') };
    await createTopics(kafka, [
      { topic: run.topic, partitions: 1 },
      { topic: run.dlq, partitions: 1 },
    ]);
    const noDlq = await dlq(run, ['stats'], { DLQ_TOPIC: '' });
    expect([noDlq.exitCode, noDlq.stderr.trim().split('\n')]).toEqual([2, [expect.stringMatching(/DLQ_TOPIC/)]]);
    const badTime = await dlq(run, ['replay', '--since', 'last tuesday']);
    expect([badTime.exitCode, badTime.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/^clustera-kernel dlq: --since/),
    ]);
    const noTarget = await dlq(run, ['replay', '--to', uniqueName('missing')]);
    expect([noTarget.exitCode, noTarget.stderr.trim()]).toEqual([1, expect.stringMatching(/does not exist/)]);
    expect(await topicSize(kafka, run.topic)).toBe(0);

    // A dead letter without dlq.source.* headers (another tool's) is counted, not sent, unless --to names a topic.
    await produce(kafka, run.dlq, [{ key: 'stray', value: Buffer.from('{}'), partition: 0 }]);
    const stray = await dlq(run, ['replay']);
    expect([stray.exitCode, stray.stderr.trim()]).toEqual([
      1,
      expect.stringMatching(/no dlq\.source\.\* headers.*--to/),
    ]);
    expect(await topicSize(kafka, run.topic)).toBe(0);
    const sent = await dlq(run, ['replay', '--from-beginning', '--to', run.topic]);
    expect(sent.exitCode, sent.all).toBe(0);
    const landed = await readCommitted(kafka, run.topic, 1);
    expect(landed.map((message) => [message.key, message.headers.source])).toEqual([['stray', 'integration-test']]);
  });
});
