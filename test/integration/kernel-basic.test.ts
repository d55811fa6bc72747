// The basic kernel against the real broker: 1,000 messages logged, malformed ones dead-lettered, offsets committed,
// a clean SIGTERM mid-stream and a restart that misses nothing.
import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkload, createTopics, groupOffsets, kafkaClient, produce, readTopic, waitForCommittedToEnd } from './harness/kafka.js';
import { expectCommittedToEnd, expectDeadLetters, locate } from './harness/expectations.js';
import { kernelEnv, type KernelRun } from './harness/kernel-env.js';
import { startKernel, type KernelProcess } from './harness/kernel-process.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';
import { removeDir } from '../helpers/cli.js';
import { requireInfra, sharedInfra, uniqueName } from '../setup/infra.js';
import type { IntegrationInfra } from '../setup/provided.js';

const MALFORMED = [17, 500, 998];

/** Indexes of the workload messages the basic kernel logged (it logs `key=b'key-<i>'`). */
function loggedIndexes(kernel: KernelProcess): number[] {
  return kernel.output.flatMap((line) => {
    const match = /Received \S+ key=b'key-(\d+)'/.exec(line);
    return match ? [Number(match[1])] : [];
  });
}

describe.skipIf(!sharedInfra())('basic kernel on a real broker', () => {
  let infra: IntegrationInfra;
  let kafka: Kafka;
  let project: KernelProject;
  const running: KernelProcess[] = [];

  const freshRun = async (partitions = 3): Promise<KernelRun> => {
    const run = { topic: uniqueName('basic-in'), group: uniqueName('basic-group'), dlq: uniqueName('basic-dlq') };
    await createTopics(kafka, [{ topic: run.topic, partitions }, { topic: run.dlq, partitions: 1 }]);
    return run;
  };
  const start = (env: Record<string, string>) => {
    const kernel = startKernel(project.dir, env);
    running.push(kernel);
    return kernel;
  };

  beforeAll(async () => {
    infra = requireInfra();
    kafka = kafkaClient(infra.kafka.bootstrapServers);
    project = await generateAndInstallKernel('basic');
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((kernel) => kernel.stop()));
  });
  afterAll(() => removeDir(project.root));

  it('logs every valid message of 1,000, dead-letters the 3 malformed ones and commits to the end', async () => {
    const run = await freshRun();
    const workload = buildWorkload(1000, 3, MALFORMED, (i) => ({ id: `msg-${i}`, n: i }));
    await produce(kafka, run.topic, workload);
    const kernel = start(kernelEnv(infra.kafka.bootstrapServers, run));

    await expectCommittedToEnd(kafka, kernel, run.group, run.topic, 1000);

    const logged = new Set(loggedIndexes(kernel));
    const valid = workload.map((_, i) => i).filter((i) => !MALFORMED.includes(i));
    expect(valid.filter((i) => !logged.has(i)), 'valid messages never logged').toEqual([]);
    expect(MALFORMED.filter((i) => logged.has(i))).toEqual([]);

    const sources = await locate(kafka, run.topic, 1000);
    const dead = await readTopic(kafka, run.dlq, 3, 20_000);
    expectDeadLetters(dead, sources, MALFORMED.map((i) => `key-${i}`), run.topic, run.group, kernel.tail());

    expect(await kernel.stop()).toBe(0);
  });

  it('stops cleanly on SIGTERM mid-stream and a restart continues with no message missing', async () => {
    const run = await freshRun();
    const total = 20_000;
    await produce(kafka, run.topic, buildWorkload(total, 3, [], (i) => ({ id: `msg-${i}` })));
    const first = start(kernelEnv(infra.kafka.bootstrapServers, run));
    await first.waitForOutput(/Received \S+ key=b'key-\d+'/, 60_000);

    const signalledAt = Date.now();
    first.signal('SIGTERM');
    const exitCode = await first.exited;
    const stopMs = Date.now() - signalledAt;
    expect(exitCode, first.tail()).toBe(0);
    expect(stopMs, 'graceful stop took longer than SHUTDOWN_TIMEOUT_S').toBeLessThan(10_000);

    const afterStop = await groupOffsets(kafka, run.group, run.topic);
    const committedAtStop = Object.values(afterStop.committed).reduce((a, b) => a + Math.max(b, 0), 0);
    expect(committedAtStop, 'the stop was not mid-stream').toBeLessThan(total);
    // Everything committed was really processed: at-least-once never commits ahead of processing.
    expect(new Set(loggedIndexes(first)).size).toBeGreaterThanOrEqual(committedAtStop);

    const second = start(kernelEnv(infra.kafka.bootstrapServers, run));
    const offsets = await waitForCommittedToEnd(kafka, run.group, run.topic, 180_000, () => !second.hasExited());
    expect(offsets.committed, second.tail()).toEqual(offsets.end);

    const firstSeen = loggedIndexes(first);
    const secondSeen = loggedIndexes(second);
    const seen = new Set([...firstSeen, ...secondSeen]);
    expect(seen.size).toBe(total);
    const duplicates = firstSeen.length + secondSeen.length - total;
    console.log(`[basic] SIGTERM after ${firstSeen.length} messages, stop took ${stopMs} ms, ${duplicates} redelivered after restart`);
    expect(await second.stop()).toBe(0);
  });
});
