// The generated `http` kernel against a real broker and an API that goes down: an outage opens the circuit and
// dead-letters nothing, a message the API keeps refusing still reaches the DLQ, the outage bound and SIGTERM hold.
import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/infra/free-port.js';
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
  httpText,
  keyedBacklog,
  linesMatching,
  OUTAGE_MS,
  PARTITIONS,
  PROBE_MAX_MS,
  refsOf,
  waitUntil,
} from './harness/outage.js';

const RESPONSE_MS = 20;
const MAX_IN_FLIGHT = 32;

interface Answered {
  at: number;
  ref: string;
  key: string;
  status: number;
}

describe.skipIf(!infraAvailable())('generated http kernel and an API outage', () => {
  let project: KernelProject;
  let kafka: Kafka;
  let api: FakeService;
  let answered: Answered[] = [];
  /** Set by a test: the API answers 503 from its first request on for this long. */
  let outageMs: number | undefined;
  let outageStartedAt: number | undefined;
  /** Set by a test: the API answers 503 until cleared. */
  let down = false;
  /** Idempotency-Keys the API always answers 500, as for a payload it chokes on. */
  let poison = new Set<string>();
  let open = 0;
  /** When the API had 8, 16 and 32 requests open at once, after the outage. */
  let concurrencyReachedAt = new Map<number, number>();
  const running: KernelProcess[] = [];

  const outageEndsAt = () => (outageStartedAt === undefined ? undefined : outageStartedAt + outageMs!);

  beforeAll(async () => {
    kafka = kafkaClient(requireInfra().kafka.bootstrapServers);
    api = await startFakeService((request) => {
      const now = Date.now();
      const ref = String(request.headers['idempotency-key']);
      const key = String((JSON.parse(request.body) as { user: string }).user);
      if (outageMs !== undefined && outageStartedAt === undefined) outageStartedAt = now;
      const end = outageEndsAt();
      if (down || (end !== undefined && now < end)) {
        answered.push({ at: now, ref, key, status: 503 });
        return { status: 503, body: { error: 'service unavailable' } };
      }
      if (poison.has(ref)) {
        answered.push({ at: now, ref, key, status: 500 });
        return { status: 500, body: { error: 'cannot handle this payload' } };
      }
      answered.push({ at: now, ref, key, status: 200 });
      open += 1;
      for (const level of [8, 16, MAX_IN_FLIGHT]) {
        if (open >= level && !concurrencyReachedAt.has(level) && end !== undefined)
          concurrencyReachedAt.set(level, now);
      }
      setTimeout(() => (open -= 1), RESPONSE_MS);
      return { status: 200, body: { ok: true }, delayMs: RESPONSE_MS };
    });
    project = await generateAndInstallKernel('http');
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((kernel) => kernel.stop()));
    answered = [];
    outageMs = undefined;
    outageStartedAt = undefined;
    down = false;
    poison = new Set();
    concurrencyReachedAt = new Map();
  });

  afterAll(async () => {
    await api?.close();
    if (project) removeDir(project.root);
  });

  async function backlog(): Promise<KernelRun & { refs: string[] }> {
    const run = {
      topic: uniqueName('it-circuit-http'),
      group: uniqueName('it-circuit-http-group'),
      dlq: uniqueName('it-circuit-http-dlq'),
    };
    await createTopics(kafka, [
      { topic: run.topic, partitions: PARTITIONS },
      { topic: run.dlq, partitions: 1 },
    ]);
    const workload = keyedBacklog(BACKLOG, (i, user) => ({ seq: i, user }));
    await produce(kafka, run.topic, workload);
    return { ...run, refs: refsOf(run.topic, workload) };
  }

  function launch(run: KernelRun, extra: Record<string, string> = {}): KernelProcess {
    const kernel = startKernel(
      project.dir,
      kernelEnv(requireInfra().kafka.bootstrapServers, run, {
        API_BASE_URL: api.url,
        MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
        ...CIRCUIT_ENV,
        ...extra,
      }),
    );
    running.push(kernel);
    return kernel;
  }

  const accepted = () => answered.filter((a) => a.status === 200);

  it('waits out a 30 s outage with 2,000 messages waiting: all committed, none dead-lettered, order kept', async () => {
    const run = await backlog();
    outageMs = OUTAGE_MS;
    const kernel = launch(run);

    await expectCommittedToEnd(kafka, kernel, run.group, run.topic, BACKLOG);

    expect(await topicSize(kafka, run.dlq), `dead letters\n${kernel.tail()}`).toBe(0);
    const refs = accepted().map((a) => a.ref);
    expect(new Set(refs), 'every message accepted by the API').toEqual(new Set(run.refs));
    expect(refs.length, 'each message accepted once').toBe(BACKLOG);
    expectOrderPerKey(accepted());
    const end = outageEndsAt()!;
    const firstBack = accepted()[0]!.at;
    const refusals = answered.filter((a) => a.status === 503).length;
    console.log(
      `[circuit http] outage ${OUTAGE_MS} ms; first message through ${firstBack - end} ms after the API returned; ` +
        `8/16/32 requests open after ${[8, 16, MAX_IN_FLIGHT].map((level) => (concurrencyReachedAt.get(level) ?? Number.NaN) - end).join('/')} ms; ` +
        `${refusals} requests refused during the outage; ${accepted().length} accepted, 0 dead-lettered`,
    );
    expect(firstBack - end, 'resumed within one probe interval of the API returning').toBeLessThanOrEqual(
      PROBE_MAX_MS + 1000,
    );
    // The window and a probe per interval, not MAX_ATTEMPTS per message: the API is not hammered while down.
    expect(refusals, 'requests the API refused while down').toBeLessThan(MAX_IN_FLIGHT * 2 + 40);
    expect(
      linesMatching(kernel, /Circuit opened: /),
      `one line when the circuit opened\n${kernel.tail()}`,
    ).toHaveLength(1);
    expect(
      linesMatching(kernel, /Circuit closed: http-api answered again after/),
      'one line when it closed',
    ).toHaveLength(1);
    expect(await kernel.stop(), `graceful exit code\n${kernel.tail()}`).toBe(0);
  });

  it('one message at a time: the message is put back and probed again, all delivered in order, none dead-lettered', async () => {
    const run = await backlog();
    outageMs = 10_000;
    // Inline processing: while open the message is sought back, the partitions paused and polling goes on.
    const kernel = launch(run, { MAX_IN_FLIGHT: '1' });

    await expectCommittedToEnd(kafka, kernel, run.group, run.topic, BACKLOG);

    expect(await topicSize(kafka, run.dlq), `dead letters\n${kernel.tail()}`).toBe(0);
    const refs = accepted().map((a) => a.ref);
    expect(new Set(refs), 'every message accepted by the API').toEqual(new Set(run.refs));
    expect(refs.length, 'each message accepted once').toBe(BACKLOG);
    expectOrderPerKey(accepted());
    const firstBack = accepted()[0]!.at - outageEndsAt()!;
    console.log(`[circuit http, one at a time] first message through ${firstBack} ms after the API returned`);
    expect(firstBack, 'resumed within one probe interval of the API returning').toBeLessThanOrEqual(
      PROBE_MAX_MS + 1000,
    );
    expect(
      linesMatching(kernel, /Circuit opened: /),
      `one line when the circuit opened\n${kernel.tail()}`,
    ).toHaveLength(1);
    expect(linesMatching(kernel, /Circuit closed: /), 'one line when it closed').toHaveLength(1);
  });

  it('still dead-letters a message the API keeps refusing with 500 while the others go through', async () => {
    const run = await backlog();
    const refused = run.refs[777]!;
    poison = new Set([refused]);
    const kernel = launch(run);

    await expectCommittedToEnd(kafka, kernel, run.group, run.topic, BACKLOG);

    const dead = await readTopic(kafka, run.dlq, 1, 30_000);
    expect(
      dead.map((m) => [m.headers['dlq.source.offset'], m.headers['dlq.source.partition']]),
      `the dead letter\n${kernel.tail()}`,
    ).toEqual([[refused.split('-').at(-1), refused.split('-').at(-2)]]);
    expect(dead[0]!.headers['dlq.error.class'], 'its error class').toBe('DependencyUnavailable');
    expect(dead[0]!.headers['dlq.attempts'], 'attempts before the DLQ').toBe(CIRCUIT_ENV.MAX_ATTEMPTS);
    expect(answered.filter((a) => a.ref === refused).length, 'requests for the refused message: its retry budget').toBe(
      Number(CIRCUIT_ENV.MAX_ATTEMPTS),
    );
    expect(await topicSize(kafka, run.dlq), 'dead letters').toBe(1);
    expect(linesMatching(kernel, /Circuit opened/), `the circuit stayed closed\n${kernel.tail()}`).toEqual([]);
  });

  it('exits 1 when the API stays down past CIRCUIT_MAX_OPEN_S, keeps the committed prefix, and a restart finishes', async () => {
    const run = await backlog();
    const first = launch(run, { CIRCUIT_MAX_OPEN_S: '5' });
    await waitUntil(() => accepted().length >= 300 || first.hasExited(), 120_000);
    down = true;

    expect(await exitCodeWithin(first, 60_000), `exit code past the bound\n${first.tail()}`).toBe(1);
    expect(first.output.join('\n'), 'the log names the bound').toMatch(/still unavailable after .*CIRCUIT_MAX_OPEN_S/);
    const committed = (await groupOffsets(kafka, run.group, run.topic)).committed;
    const delivered = new Set(accepted().map((a) => a.ref));
    expectCommittedPrefixDelivered(committed, run.topic, delivered);
    expect(
      Object.values(committed).reduce((sum, offset) => sum + Math.max(offset, 0), 0),
      'committed before the outage',
    ).toBeGreaterThanOrEqual(200);
    expect(await topicSize(kafka, run.dlq), `dead letters\n${first.tail()}`).toBe(0);

    down = false;
    const second = launch(run);
    await expectCommittedToEnd(kafka, second, run.group, run.topic, BACKLOG);
    expect(new Set(accepted().map((a) => a.ref)), 'every message accepted across both runs').toEqual(new Set(run.refs));
    expect(await topicSize(kafka, run.dlq), `dead letters after the restart\n${second.tail()}`).toBe(0);
    expect(await second.stop(), 'graceful exit code').toBe(0);
  });

  it('reports the open circuit on /readyz and /metrics, and exits 0 on SIGTERM within the shutdown timeout', async () => {
    const run = await backlog();
    down = true;
    const port = await findFreePort();
    const kernel = launch(run, { HEALTH_PORT: String(port), SHUTDOWN_TIMEOUT_S: '10' });
    await kernel.waitForOutput(/Circuit opened: /, 60_000);

    const ready = await httpText(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status, 'readiness while open').toBe(503);
    expect(ready.text, 'readiness names the reason').toMatch(/^not ready: circuit open for http-api: /);
    expect((await httpText(`http://127.0.0.1:${port}/metrics`)).text, 'the circuit gauge').toContain(
      'clustera_kernel_circuit_open{dependency="http-api"} 1',
    );

    const stoppedAt = Date.now();
    kernel.signal('SIGTERM');
    const code = await exitCodeWithin(kernel, 15_000);
    const stopMs = Date.now() - stoppedAt;
    console.log(`[circuit http] SIGTERM while open: exit ${code} after ${stopMs} ms`);
    expect(code, `exit code after SIGTERM while open\n${kernel.tail()}`).toBe(0);
    expect(stopMs, 'within SHUTDOWN_TIMEOUT_S').toBeLessThan(10_000);
    expect(await topicSize(kafka, run.dlq), 'dead letters').toBe(0);
  });
});
