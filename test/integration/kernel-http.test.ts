// The generated `http` kernel against a real broker and a stand-in HTTP API: delivery, dead letters, retries, fatal errors.
import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/cli.js';
import { startFakeService, type FakeService, type PlannedResponse } from '../setup/fake-services.js';
import { infraAvailable, requireInfra, uniqueName } from '../setup/infra.js';
import {
  buildWorkload,
  createTopics,
  groupOffsets,
  kafkaClient,
  produce,
  readTopic,
  topicSize,
} from './harness/kafka.js';
import { exitCodeWithin, startKernel, type KernelProcess } from './harness/kernel-process.js';
import { expectCommittedToEnd, expectDeadLetters, locate, type Source } from './harness/expectations.js';
import { kernelEnv } from './harness/kernel-env.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';

const PARTITIONS = 3;
const API_KEY = 'it-secret-key';
const payload = (i: number) => ({ id: i, text: `event ${i}` });

// These tests follow one message through retries and a fatal error, so they run one message at a time;
// kernel-http-concurrency.test.ts covers the default window.
const ONE_AT_A_TIME = { MAX_IN_FLIGHT: '1' };

const refOf = (topic: string, source: Source) => `${topic}-${source.partition}-${source.offset}`;

describe.skipIf(!infraAvailable())('generated http kernel', () => {
  let project: KernelProject;
  let kafka: Kafka;
  let target: FakeService;
  /** What the target answers next, in order; afterwards 200. Every request passes through, so `arrivals` lines up with `target.requests`. */
  let script: PlannedResponse[] = [];
  let arrivals: number[] = [];
  const running: KernelProcess[] = [];

  beforeAll(async () => {
    kafka = kafkaClient(requireInfra().kafka.bootstrapServers);
    target = await startFakeService(() => {
      arrivals.push(Date.now());
      return script.shift() ?? { status: 200, body: { ok: true } };
    });
    project = await generateAndInstallKernel('http');
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((kernel) => kernel.stop()));
    target.reset();
    script = [];
    arrivals = [];
  });

  afterAll(async () => {
    await target?.close();
    if (project) removeDir(project.root);
  });

  /** Fresh topics and a workload; produced unless `produceNow` is false. */
  async function prepare(count: number, malformedAt: number[] = [], produceNow = true) {
    const topic = uniqueName('it-http');
    const dlq = `${topic}.dlq`;
    const group = uniqueName('it-http-group');
    await createTopics(kafka, [
      { topic, partitions: PARTITIONS },
      { topic: dlq, partitions: 1 },
    ]);
    const workload = buildWorkload(count, PARTITIONS, malformedAt, payload);
    if (produceNow) await produce(kafka, topic, workload);
    return { topic, dlq, group, workload };
  }

  function launch(topic: string, dlq: string, group: string, extra: Record<string, string> = {}): KernelProcess {
    const kernel = startKernel(
      project.dir,
      kernelEnv(
        requireInfra().kafka.bootstrapServers,
        { topic: topic, group: group, dlq: dlq },
        {
          API_BASE_URL: target.url,
          API_KEY,
          ...extra,
        },
      ),
    );
    running.push(kernel);
    return kernel;
  }

  const keyOf = (index: number) => String(target.requests[index]?.headers['idempotency-key']);

  it('forwards 1,000 messages with idempotency keys and dead-letters the 3 malformed ones', async () => {
    const malformedAt = [3, 500, 997];
    const { topic, dlq, group, workload } = await prepare(1000, malformedAt);
    const kernel = launch(topic, dlq, group);

    await expectCommittedToEnd(kafka, kernel, group, topic, 1000);

    const sources = await locate(kafka, topic, 1000);
    const valid = workload.map((_, i) => `key-${i}`).filter((_, i) => !malformedAt.includes(i));
    const expectedKeys = valid.map((key) => refOf(topic, sources.get(key)!));
    const byKey = new Map(target.requests.map((request) => [String(request.headers['idempotency-key']), request]));
    expect(target.requests.length, `one request per valid message\n${kernel.tail()}`).toBe(997);
    expect([...byKey.keys()].sort(), 'Idempotency-Key of every valid message').toEqual([...expectedKeys].sort());
    for (const key of valid) {
      const source = sources.get(key)!;
      const request = byKey.get(refOf(topic, source))!;
      expect([request.method, request.path, request.headers.authorization], `request for ${key}`).toEqual([
        'POST',
        '/events',
        `Bearer ${API_KEY}`,
      ]);
      expect(request.headers['content-type'], `content type for ${key}`).toMatch(/^application\/json/);
      expect(JSON.parse(request.body), `body for ${key}`).toEqual(payload(source.index));
    }

    const dead = await readTopic(kafka, dlq, 3, 30_000);
    expectDeadLetters(
      dead,
      sources,
      malformedAt.map((i) => `key-${i}`),
      topic,
      group,
      kernel.tail(),
    );
    expect(await topicSize(kafka, dlq), 'dead letters').toBe(3);
  });

  it('retries 5xx answers with the same key until the API accepts, skipping nothing', async () => {
    script = [
      { status: 500, body: 'boom' },
      { status: 503, body: 'unavailable' },
      { status: 502, body: 'bad gateway' },
    ];
    const { topic, dlq, group } = await prepare(30);
    const kernel = launch(topic, dlq, group, {
      ...ONE_AT_A_TIME,
      MAX_ATTEMPTS: '30',
      RETRY_BACKOFF_MS: '50',
      RETRY_BACKOFF_MAX_MS: '500',
    });

    await expectCommittedToEnd(kafka, kernel, group, topic, 30);

    const sources = await locate(kafka, topic, 30);
    const failedKey = keyOf(0);
    expect(
      [0, 1, 2, 3].map(keyOf),
      `the failing message is retried until its 4th attempt succeeds\n${kernel.tail()}`,
    ).toEqual([failedKey, failedKey, failedKey, failedKey]);
    const accepted = target.requests.slice(3).map((request) => String(request.headers['idempotency-key']));
    expect(accepted.sort(), 'every message accepted exactly once').toEqual(
      [...sources.values()].map((s) => refOf(topic, s)).sort(),
    );
    expect(await topicSize(kafka, dlq), 'dead letters').toBe(0);
  });

  it('waits for Retry-After after a 429 and then delivers the same message', async () => {
    script = [{ status: 429, headers: { 'retry-after': '1' }, body: 'slow down' }];
    const { topic, dlq, group } = await prepare(30);
    // The backoff alone would retry within 50 ms: only Retry-After explains a one-second pause.
    const kernel = launch(topic, dlq, group, {
      ...ONE_AT_A_TIME,
      MAX_ATTEMPTS: '30',
      RETRY_BACKOFF_MS: '50',
      RETRY_BACKOFF_MAX_MS: '5000',
    });

    await expectCommittedToEnd(kafka, kernel, group, topic, 30);

    expect(keyOf(1), `the limited message is retried first\n${kernel.tail()}`).toBe(keyOf(0));
    expect(arrivals[1]! - arrivals[0]!, 'milliseconds between the 429 and the retry').toBeGreaterThanOrEqual(950);
    const accepted = new Set(target.requests.slice(1).map((request) => String(request.headers['idempotency-key'])));
    expect(accepted.size, 'every message accepted').toBe(30);
    expect(target.requests.length, 'no other retries').toBe(31);
    expect(await topicSize(kafka, dlq), 'dead letters').toBe(0);
  });

  it('stops with exit 1 on a 401 without committing the message, and delivers it after a restart', async () => {
    const { topic, dlq, group, workload } = await prepare(60, [], false);
    // The first half is delivered before the API starts refusing, so the refused message sits mid-partition.
    const firstHalf = workload.slice(0, 30);
    const first = launch(topic, dlq, group, ONE_AT_A_TIME);
    await produce(kafka, topic, firstHalf);
    await expectCommittedToEnd(kafka, first, group, topic, 30);
    script = [{ status: 401, body: { error: 'invalid api key' } }];
    await produce(kafka, topic, workload.slice(30));

    expect(await exitCodeWithin(first, 60_000), `exit code after a 401\n${first.tail()}`).toBe(1);
    expect(target.requests.length, `the kernel stops at the refused message\n${first.tail()}`).toBe(31);
    expect(first.output.join('\n'), 'the log names the refusal').toMatch(/401/);

    const refused = keyOf(30);
    const [, partition, offset] = /-(\d+)-(\d+)$/.exec(refused)!.map(Number) as [number, number, number];
    const afterFailure = await groupOffsets(kafka, group, topic);
    // Everything before the refused message was finished and committed; the refused one was not.
    expect(
      afterFailure.committed[partition],
      `committed offset of partition ${partition}, refused offset ${offset}\n${first.tail()}`,
    ).toBe(offset);

    const second = launch(topic, dlq, group, ONE_AT_A_TIME);
    await expectCommittedToEnd(kafka, second, group, topic, 60);
    const redelivered = target.requests.slice(31).map((request) => String(request.headers['idempotency-key']));
    expect(
      redelivered.filter((key) => key === refused),
      `the refused message is sent again after the restart\n${second.tail()}`,
    ).toHaveLength(1);
    const sources = await locate(kafka, topic, 60);
    const accepted = new Set(
      [...target.requests.slice(0, 30), ...target.requests.slice(31)].map((request) =>
        String(request.headers['idempotency-key']),
      ),
    );
    expect([...accepted].sort(), 'every message accepted across both runs').toEqual(
      [...sources.values()].map((s) => refOf(topic, s)).sort(),
    );
    expect(await second.stop(), `graceful exit code\n${second.tail()}`).toBe(0);
    expect(await topicSize(kafka, dlq), 'dead letters').toBe(0);
  });
});
