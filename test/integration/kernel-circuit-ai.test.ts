// The generated `ai` kernel against a real broker and a stand-in model API that goes down: an outage opens the
// circuit and dead-letters nothing, a request the model keeps failing still reaches the DLQ, bound and SIGTERM hold.
import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chatResponder, modelError } from '../../src/stand-ins/echo-model.js';
import { removeDir } from '../helpers/cli.js';
import { startFakeService, type FakeService } from '../setup/fake-services.js';
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
  refsOf,
  waitUntil,
} from './harness/outage.js';

const RESPONSE_MS = 20;

interface Answered {
  at: number;
  seq: number;
  status: number;
}

interface Run extends KernelRun {
  output: string;
  refs: string[];
  keys: string[];
}

describe.skipIf(!infraAvailable())('generated ai kernel and a model API outage', () => {
  let project: KernelProject;
  let kafka: Kafka;
  let model: FakeService;
  let answered: Answered[] = [];
  let outageMs: number | undefined;
  let outageStartedAt: number | undefined;
  let down = false;
  /** Message numbers the model always fails with 500, as for a prompt it chokes on. */
  let poison = new Set<number>();
  const running: KernelProcess[] = [];
  const echo = chatResponder((text) => `processed: ${text}`);

  const outageEndsAt = () => (outageStartedAt === undefined ? undefined : outageStartedAt + outageMs!);

  beforeAll(async () => {
    kafka = kafkaClient(requireInfra().kafka.bootstrapServers);
    model = await startFakeService((request) => {
      const now = Date.now();
      const body = JSON.parse(request.body) as { messages: { role: string; content: string }[] };
      const seq = Number(/hello (\d+)/.exec(body.messages.at(-1)?.content ?? '')?.[1]);
      if (outageMs !== undefined && outageStartedAt === undefined) outageStartedAt = now;
      const end = outageEndsAt();
      if (down || (end !== undefined && now < end)) {
        answered.push({ at: now, seq, status: 503 });
        return modelError(503, 'the model is overloaded');
      }
      if (poison.has(seq)) {
        answered.push({ at: now, seq, status: 500 });
        return modelError(500, 'the model failed on this prompt');
      }
      answered.push({ at: now, seq, status: 200 });
      return { ...echo(request), delayMs: RESPONSE_MS };
    });
    project = await generateAndInstallKernel('ai');
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((kernel) => kernel.stop()));
    answered = [];
    outageMs = undefined;
    outageStartedAt = undefined;
    down = false;
    poison = new Set();
  });

  afterAll(async () => {
    await model?.close();
    if (project) removeDir(project.root);
  });

  async function backlog(): Promise<Run> {
    const topic = uniqueName('it-circuit-ai');
    const run = { topic, group: uniqueName('it-circuit-ai-group'), dlq: `${topic}.dlq`, output: `${topic}.results` };
    await createTopics(kafka, [
      { topic: run.topic, partitions: PARTITIONS },
      { topic: run.dlq, partitions: 1 },
      { topic: run.output, partitions: 1 },
    ]);
    const workload = keyedBacklog(BACKLOG, (i, user) => ({ id: `req-${i}`, text: `hello ${i} from ${user}` }));
    await produce(kafka, run.topic, workload);
    return { ...run, refs: refsOf(run.topic, workload), keys: workload.map((m) => m.key) };
  }

  function launch(run: Run, extra: Record<string, string> = {}): KernelProcess {
    const kernel = startKernel(
      project.dir,
      kernelEnv(requireInfra().kafka.bootstrapServers, run, {
        OUTPUT_TOPIC: run.output,
        OPENAI_API_KEY: 'it-llm-key',
        OPENAI_BASE_URL: `${model.url}/v1`,
        MODEL_NAME: 'it-model',
        ...CIRCUIT_ENV,
        ...extra,
      }),
    );
    running.push(kernel);
    return kernel;
  }

  const accepted = () => answered.filter((a) => a.status === 200);

  it('waits out a 30 s outage with 2,000 messages waiting: one result each, none dead-lettered, order kept', async () => {
    const run = await backlog();
    outageMs = OUTAGE_MS;
    const kernel = launch(run);

    await expectCommittedToEnd(kafka, kernel, run.group, run.topic, BACKLOG);

    expect(await topicSize(kafka, run.dlq), `dead letters\n${kernel.tail()}`).toBe(0);
    const results = await readTopic(kafka, run.output, BACKLOG, 60_000);
    const sources = results.map((m) => {
      const result = JSON.parse(m.value!.toString()) as { source_partition: number; source_offset: number };
      return `${run.topic}-${result.source_partition}-${result.source_offset}`;
    });
    expect(new Set(sources), 'one result per message').toEqual(new Set(run.refs));
    expect(results.length, 'no result twice').toBe(BACKLOG);
    expectOrderPerKey(accepted().map((a) => ({ key: run.keys[a.seq]!, ref: run.refs[a.seq]! })));
    const end = outageEndsAt()!;
    const firstBack = accepted()[0]!.at - end;
    const refusals = answered.filter((a) => a.status === 503).length;
    console.log(
      `[circuit ai] outage ${OUTAGE_MS} ms; first request through ${firstBack} ms after the model returned; ` +
        `${refusals} requests refused during the outage; ${results.length} results, 0 dead-lettered`,
    );
    expect(firstBack, 'resumed within one probe interval of the model returning').toBeLessThanOrEqual(
      PROBE_MAX_MS + 1000,
    );
    expect(
      linesMatching(kernel, /Circuit opened: /),
      `one line when the circuit opened\n${kernel.tail()}`,
    ).toHaveLength(1);
    expect(
      linesMatching(kernel, /Circuit closed: model-api answered again after/),
      'one line when it closed',
    ).toHaveLength(1);
  });

  it('still dead-letters a message the model keeps failing with 500 while the others go through', async () => {
    const run = await backlog();
    poison = new Set([1234]);
    const kernel = launch(run);

    await expectCommittedToEnd(kafka, kernel, run.group, run.topic, BACKLOG);

    const dead = await readTopic(kafka, run.dlq, 1, 30_000);
    expect(
      dead.map((m) => JSON.parse(m.value!.toString()).id),
      `the dead letter\n${kernel.tail()}`,
    ).toEqual(['req-1234']);
    expect(dead[0]!.headers['dlq.error.class'], 'its error class').toBe('DependencyUnavailable');
    expect(answered.filter((a) => a.seq === 1234).length, 'calls for it: its retry budget').toBe(
      Number(CIRCUIT_ENV.MAX_ATTEMPTS),
    );
    expect(await topicSize(kafka, run.output), 'results for the others').toBe(BACKLOG - 1);
    expect(linesMatching(kernel, /Circuit opened/), `the circuit stayed closed\n${kernel.tail()}`).toEqual([]);
  });

  it('exits 1 when the model stays down past CIRCUIT_MAX_OPEN_S, keeps the committed prefix, and a restart finishes', async () => {
    const run = await backlog();
    const first = launch(run, { CIRCUIT_MAX_OPEN_S: '5' });
    await waitUntil(() => accepted().length >= 300 || first.hasExited(), 120_000);
    down = true;

    expect(await exitCodeWithin(first, 60_000), `exit code past the bound\n${first.tail()}`).toBe(1);
    const committed = (await groupOffsets(kafka, run.group, run.topic)).committed;
    expectCommittedPrefixDelivered(committed, run.topic, new Set(accepted().map((a) => run.refs[a.seq]!)));
    expect(await topicSize(kafka, run.dlq), `dead letters\n${first.tail()}`).toBe(0);

    down = false;
    const second = launch(run);
    await expectCommittedToEnd(kafka, second, run.group, run.topic, BACKLOG);
    expect(new Set(accepted().map((a) => a.seq)).size, 'every message answered across both runs').toBe(BACKLOG);
    expect(await topicSize(kafka, run.dlq), 'dead letters after the restart').toBe(0);
  });

  it('exits 0 on SIGTERM within the shutdown timeout while the circuit is open', async () => {
    const run = await backlog();
    down = true;
    const kernel = launch(run, { SHUTDOWN_TIMEOUT_S: '10' });
    await kernel.waitForOutput(/Circuit opened: /, 60_000);

    const stoppedAt = Date.now();
    kernel.signal('SIGTERM');
    const code = await exitCodeWithin(kernel, 15_000);
    const stopMs = Date.now() - stoppedAt;
    console.log(`[circuit ai] SIGTERM while open: exit ${code} after ${stopMs} ms`);
    expect(code, `exit code after SIGTERM while open\n${kernel.tail()}`).toBe(0);
    expect(stopMs, 'within SHUTDOWN_TIMEOUT_S').toBeLessThan(10_000);
    expect(await topicSize(kafka, run.dlq), 'dead letters').toBe(0);
  });
});
