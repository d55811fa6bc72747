// The generated `http` kernel with 256 messages in flight (the pyreqwest path at its widest) against a real broker
// and an API answering in 20 ms: per-key order, exactly the offsets that finished committed, and nothing lost across a fatal error or a SIGKILL.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/cli.js';
import {
  startFakeService,
  type FakeService,
  type PlannedResponse,
  type RecordedRequest,
} from '../setup/fake-services.js';
import { infraAvailable, requireInfra, uniqueName } from '../setup/infra.js';
import { createTopics, groupOffsets, kafkaClient, produce, type WorkloadMessage } from './harness/kafka.js';
import { exitCodeWithin, startKernel, type KernelProcess } from './harness/kernel-process.js';
import { expectCommittedToEnd } from './harness/expectations.js';
import { kernelEnv } from './harness/kernel-env.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';

const PARTITIONS = 3;
const COUNT = 1000;
const KEYS = 40;
const RESPONSE_MS = 20;

interface Planned {
  /** Idempotency-Key (`<topic>-<partition>-<offset>`) of each message, by index. */
  refs: string[];
  topic: string;
  dlq: string;
  group: string;
}

/** 1,000 messages over 3 partitions; 40 keys repeat, and a key always lands on the same partition. */
function keyedWorkload(): WorkloadMessage[] {
  return Array.from({ length: COUNT }, (_, i) => {
    const key = i % KEYS;
    return {
      key: `user-${key}`,
      partition: key % PARTITIONS,
      value: Buffer.from(JSON.stringify({ seq: i, user: `user-${key}` })),
    };
  });
}

/** A fresh topic receives the messages in order, so each one's offset is its rank within its partition. */
function refsOf(topic: string, workload: WorkloadMessage[]): string[] {
  const next = new Array<number>(PARTITIONS).fill(0);
  return workload.map((message) => `${topic}-${message.partition}-${next[message.partition]!++}`);
}

const idempotencyKey = (request: RecordedRequest) => String(request.headers['idempotency-key']);
const offsetOf = (ref: string) => Number(/-(\d+)$/.exec(ref)![1]);
const partitionOf = (ref: string) => Number(/-(\d+)-\d+$/.exec(ref)![1]);

describe.skipIf(!infraAvailable())('generated http kernel with messages in flight', () => {
  let project: KernelProject;
  let kafka: Kafka;
  let api: FakeService;
  /** Answers for given Idempotency-Keys (used once each); every other request gets 200 after 20 ms. */
  let special = new Map<string, PlannedResponse>();
  const accepted: RecordedRequest[] = [];
  /** How long the API takes to answer; slower in the tests that need the kernel busy for a while. */
  let responseMs = RESPONSE_MS;
  /** Requests answered 200 whose response time had not yet passed: how many the kernel had open at once. */
  let open = 0;
  let mostOpen = 0;
  const running: KernelProcess[] = [];

  beforeAll(async () => {
    kafka = kafkaClient(requireInfra().kafka.bootstrapServers);
    api = await startFakeService((request) => {
      const planned = special.get(idempotencyKey(request));
      if (planned) {
        special.delete(idempotencyKey(request));
        return planned;
      }
      accepted.push(request);
      open += 1;
      mostOpen = Math.max(mostOpen, open);
      setTimeout(() => (open -= 1), responseMs);
      return { status: 200, body: { ok: true }, delayMs: responseMs };
    });
    project = await generateAndInstallKernel('http');
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((kernel) => kernel.stop()));
    api.reset();
    accepted.length = 0;
    special = new Map();
    mostOpen = 0;
    responseMs = RESPONSE_MS;
  });

  afterAll(async () => {
    await api?.close();
    if (project) removeDir(project.root);
  });

  async function prepare(): Promise<Planned> {
    const topic = uniqueName('it-http-inflight');
    const dlq = `${topic}.dlq`;
    const group = uniqueName('it-http-inflight-group');
    await createTopics(kafka, [
      { topic, partitions: PARTITIONS },
      { topic: dlq, partitions: 1 },
    ]);
    const workload = keyedWorkload();
    await produce(kafka, topic, workload);
    return { refs: refsOf(topic, workload), topic, dlq, group };
  }

  function launch(run: Planned, overrides: Record<string, string> = {}): KernelProcess {
    const env = kernelEnv(requireInfra().kafka.bootstrapServers, run, {
      API_BASE_URL: api.url,
      MAX_IN_FLIGHT: '256',
      ORDERING: 'key',
      ...overrides,
    });
    const kernel = startKernel(project.dir, env);
    running.push(kernel);
    return kernel;
  }

  /** For each message key, the offsets in the order the API received them. */
  function arrivalOrderByKey(requests: RecordedRequest[]): Map<string, number[]> {
    const byKey = new Map<string, number[]>();
    for (const request of requests) {
      const user = String((JSON.parse(request.body) as { user: string }).user);
      byKey.set(user, [...(byKey.get(user) ?? []), offsetOf(idempotencyKey(request))]);
    }
    return byKey;
  }

  it('delivers 1,000 messages once each, in offset order per key, with many requests at once', async () => {
    const run = await prepare();
    const kernel = launch(run);

    await expectCommittedToEnd(kafka, kernel, run.group, run.topic, COUNT);

    const keys = accepted.map(idempotencyKey);
    expect(keys.length, `one request per message\n${kernel.tail()}`).toBe(COUNT);
    expect(new Set(keys).size, 'no Idempotency-Key twice').toBe(COUNT);
    expect([...keys].sort(), "every message's Idempotency-Key").toEqual([...run.refs].sort());
    const orders = arrivalOrderByKey(accepted);
    expect(orders.size, 'message keys').toBe(KEYS);
    for (const [user, offsets] of orders) {
      expect(offsets, `arrival order of ${user}`).toEqual([...offsets].sort((a, b) => a - b));
    }
    expect(kernel.output.join('\n'), 'the kernel reports its window').toMatch(/256 in flight \(ordering: key\)/);
    expect(mostOpen, 'requests open at the same time').toBeGreaterThan(4);
  });

  it('stops with exit 1 on a 401, commits nothing from the refused offset on in its partition, and a restart delivers it', async () => {
    const run = await prepare();
    const refused = run.refs[500]!;
    special.set(refused, { status: 401, body: { error: 'invalid api key' } });
    const first = launch(run);

    expect(await exitCodeWithin(first, 120_000), `exit code after a 401\n${first.tail()}`).toBe(1);
    expect(first.output.join('\n'), 'the log names the refusal').toMatch(/Stopping: .*401/);
    const afterFailure = await groupOffsets(kafka, run.group, run.topic);
    const partition = partitionOf(refused);
    expect(
      afterFailure.committed[partition],
      `committed offset of partition ${partition}, refused offset ${offsetOf(refused)}`,
    ).toBeLessThanOrEqual(offsetOf(refused));
    expect(afterFailure.committed[partition], 'offsets before it were committed').toBeGreaterThan(0);

    const beforeRestart = accepted.length;
    const second = launch(run);
    await expectCommittedToEnd(kafka, second, run.group, run.topic, COUNT);
    expect(
      accepted.slice(beforeRestart).map(idempotencyKey),
      `the refused message is sent again\n${second.tail()}`,
    ).toContain(refused);
    expect(new Set(accepted.map(idempotencyKey)), 'every message accepted across both runs').toEqual(new Set(run.refs));
    expect(await second.stop(), `graceful exit code\n${second.tail()}`).toBe(0);
  });

  it('hands partitions over to a second kernel joining the group without losing or repeating a message', async () => {
    // 8 in flight at 200 ms per request (40 msg/s) keeps the first kernel busy for well over the time the second
    // needs to join, even on a loaded machine.
    responseMs = 200;
    const slow = { MAX_IN_FLIGHT: '8' };
    const run = await prepare();
    const first = launch(run, slow);
    await waitUntil(() => accepted.length >= 100 || first.hasExited(), 120_000);
    const second = launch(run, slow);
    await waitUntil(() => second.output.some((line) => /Assigned /.test(line)) || second.hasExited(), 120_000);
    const atJoin = accepted.length;
    expect(atJoin, `the second kernel joined mid-stream\n${first.tail()}`).toBeLessThan(COUNT);

    await expectCommittedToEnd(kafka, first, run.group, run.topic, COUNT);
    const keys = accepted.map(idempotencyKey);
    expect(new Set(keys), `every message reached the API\n${first.tail()}\n${second.tail()}`).toEqual(
      new Set(run.refs),
    );
    // A revoke waits for the running messages and commits them before the partitions move: nothing is sent twice.
    expect(keys.length, 'no message sent twice across the handover').toBe(COUNT);
    for (const [user, offsets] of arrivalOrderByKey(accepted)) {
      expect(offsets, `arrival order of ${user} across the handover`).toEqual([...offsets].sort((a, b) => a - b));
    }
    expect(first.output.join('\n'), 'the first kernel gave partitions up').toMatch(/Revoked /);
    expect(await second.stop(), `second kernel's exit code\n${second.tail()}`).toBe(0);
    expect(await first.stop(), `first kernel's exit code\n${first.tail()}`).toBe(0);
  });

  it('loses nothing when a frozen kernel loses its partitions to another, and never moves a committed offset back', async () => {
    // A 6 s session lets the group give up on the frozen kernel quickly; 8 in flight at 200 ms keeps work in flight.
    responseMs = 200;
    const settings = { MAX_IN_FLIGHT: '8', KAFKA_SESSION_TIMEOUT_MS: '6000' };
    const run = await prepare();
    const first = launch(run, settings);
    await waitUntil(() => accepted.length >= 100 || first.hasExited(), 120_000);
    const frozen = kernelPython(project.dir);
    process.kill(frozen, 'SIGSTOP');
    const second = launch(run, settings);
    try {
      await waitUntil(() => second.output.some((line) => /Assigned /.test(line)) || second.hasExited(), 120_000);
      await waitUntil(() => accepted.length >= 400 || second.hasExited(), 120_000);
    } finally {
      process.kill(frozen, 'SIGCONT');
    }
    // From here the thawed kernel finds it lost its partitions; whatever it finishes late must not be committed.
    const committed: number[][] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        committed.push(Object.values((await groupOffsets(kafka, run.group, run.topic)).committed));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    try {
      await waitUntil(
        () => first.output.some((line) => /Lost .* without a clean revoke/.test(line)) || first.hasExited(),
        60_000,
      );
      await expectCommittedToEnd(kafka, second, run.group, run.topic, COUNT);
    } finally {
      watching = false;
      await watcher;
    }
    expect(first.output.join('\n'), `the thawed kernel reports the loss\n${first.tail()}`).toMatch(
      /Lost .* without a clean revoke/,
    );
    expect(new Set(accepted.map(idempotencyKey)), `every message reached the API\n${second.tail()}`).toEqual(
      new Set(run.refs),
    );
    for (let sample = 1; sample < committed.length; sample += 1) {
      committed[sample]!.forEach((offset, partition) => {
        expect(offset, `partition ${partition}'s committed offset, sample ${sample}`).toBeGreaterThanOrEqual(
          committed[sample - 1]![partition]!,
        );
      });
    }
    expect(await second.stop(), `second kernel's exit code\n${second.tail()}`).toBe(0);
    expect(await first.stop(), `thawed kernel's exit code\n${first.tail()}`).toBe(0);
  });

  it('finishes the running messages on SIGTERM, commits them and exits 0; a restart sends none of them again', async () => {
    responseMs = 200;
    const run = await prepare();
    const first = launch(run);
    await waitUntil(() => accepted.length >= 100 || first.hasExited(), 120_000);
    expect(await first.stop(), `exit code after SIGTERM with a full window\n${first.tail()}`).toBe(0);
    const beforeRestart = accepted.length;
    expect(beforeRestart, 'stopped mid-stream').toBeLessThan(COUNT);

    responseMs = RESPONSE_MS;
    const second = launch(run);
    await expectCommittedToEnd(kafka, second, run.group, run.topic, COUNT);
    const keys = accepted.map(idempotencyKey);
    expect(new Set(keys), 'every message reached the API').toEqual(new Set(run.refs));
    expect(keys.length, 'what finished before the stop was committed and not sent again').toBe(COUNT);
  });

  it('loses nothing when killed with SIGKILL mid-stream and restarted', async () => {
    const run = await prepare();
    const first = launch(run);
    await waitUntil(() => accepted.length >= 300 || first.hasExited(), 120_000);
    killKernelPython(project.dir);
    await first.exited;
    const beforeRestart = accepted.length;
    expect(beforeRestart, `killed mid-stream\n${first.tail()}`).toBeLessThan(COUNT);

    const second = launch(run);
    await expectCommittedToEnd(kafka, second, run.group, run.topic, COUNT);
    expect(new Set(accepted.map(idempotencyKey)), `all 1,000 messages seen by the API\n${second.tail()}`).toEqual(
      new Set(run.refs),
    );
    const orders = arrivalOrderByKey(accepted.slice(beforeRestart));
    for (const [user, offsets] of orders) {
      expect(offsets, `arrival order of ${user} after the restart`).toEqual([...offsets].sort((a, b) => a - b));
    }
  });
});

/** The kernel's own Python process (signals to `uv run` would not reach it, or would leave it orphaned). */
function kernelPython(dir: string): number {
  const pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && isKernelPython(entry, dir));
  expect(pids.length, `python main.py running in ${dir}`).toBe(1);
  return Number(pids[0]);
}

function killKernelPython(dir: string): void {
  process.kill(kernelPython(dir), 'SIGKILL');
}

function isKernelPython(pid: string, dir: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return readlinkSync(`/proc/${pid}/cwd`) === dir && /python[\d.]*$/.test(argv[0] ?? '') && argv.includes('main.py');
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
