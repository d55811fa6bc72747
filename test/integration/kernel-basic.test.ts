// The basic kernel against the real broker: 1,000 messages logged, malformed ones dead-lettered, offsets committed,
// a clean SIGTERM mid-stream and a restart that misses nothing.
import { describe, expect, it } from 'vitest';
import { sharedInfra } from '../setup/infra.js';
import { expectCommittedToEnd, expectDeadLetters, locate } from './harness/expectations.js';
import { buildWorkload, groupOffsets, produce, readTopic, waitForCommittedToEnd } from './harness/kafka.js';
import { kernelEnv } from './harness/kernel-env.js';
import type { KernelProcess } from './harness/kernel-process.js';
import { useKernelSuite } from './harness/kernel-suite.js';

const MALFORMED = [17, 500, 998];

/** Indexes of the workload messages the basic kernel logged (it logs `key=b'key-<i>'`). */
function loggedIndexes(kernel: KernelProcess): number[] {
  return kernel.output.flatMap((line) => {
    const match = /Received \S+ key=b'key-(\d+)'/.exec(line);
    return match ? [Number(match[1])] : [];
  });
}

describe.skipIf(!sharedInfra())('basic kernel on a real broker', () => {
  const suite = useKernelSuite('basic', 'basic');

  it('logs every valid message of 1,000, dead-letters the 3 malformed ones and commits to the end', async () => {
    const run = await suite.freshRun();
    const workload = buildWorkload(1000, 3, MALFORMED, (i) => ({ id: `msg-${i}`, n: i }));
    await produce(suite.kafka, run.topic, workload);
    const kernel = suite.start(kernelEnv(suite.infra.kafka.bootstrapServers, run));

    await expectCommittedToEnd(suite.kafka, kernel, run.group, run.topic, 1000);

    const logged = new Set(loggedIndexes(kernel));
    const valid = workload.map((_, i) => i).filter((i) => !MALFORMED.includes(i));
    expect(
      valid.filter((i) => !logged.has(i)),
      'valid messages never logged',
    ).toEqual([]);
    expect(MALFORMED.filter((i) => logged.has(i))).toEqual([]);

    const sources = await locate(suite.kafka, run.topic, 1000);
    const dead = await readTopic(suite.kafka, run.dlq, 3, 20_000);
    expectDeadLetters(
      dead,
      sources,
      MALFORMED.map((i) => `key-${i}`),
      run.topic,
      run.group,
      kernel.tail(),
    );

    expect(await kernel.stop()).toBe(0);
  });

  it('stops cleanly on SIGTERM mid-stream and a restart continues with no message missing', async () => {
    const run = await suite.freshRun();
    const total = 20_000;
    await produce(
      suite.kafka,
      run.topic,
      buildWorkload(total, 3, [], (i) => ({ id: `msg-${i}` })),
    );
    const first = suite.start(kernelEnv(suite.infra.kafka.bootstrapServers, run));
    await first.waitForOutput(/Received \S+ key=b'key-\d+'/, 60_000);

    const signalledAt = Date.now();
    first.signal('SIGTERM');
    const exitCode = await first.exited;
    const stopMs = Date.now() - signalledAt;
    expect(exitCode, first.tail()).toBe(0);
    expect(stopMs, 'graceful stop took longer than SHUTDOWN_TIMEOUT_S').toBeLessThan(10_000);

    const afterStop = await groupOffsets(suite.kafka, run.group, run.topic);
    const committedAtStop = Object.values(afterStop.committed).reduce((a, b) => a + Math.max(b, 0), 0);
    expect(committedAtStop, 'the stop was not mid-stream').toBeLessThan(total);
    // Everything committed was really processed: at-least-once never commits ahead of processing.
    expect(new Set(loggedIndexes(first)).size).toBeGreaterThanOrEqual(committedAtStop);

    const second = suite.start(kernelEnv(suite.infra.kafka.bootstrapServers, run));
    const offsets = await waitForCommittedToEnd(suite.kafka, run.group, run.topic, 180_000, () => !second.hasExited());
    expect(offsets.committed, second.tail()).toEqual(offsets.end);

    const firstSeen = loggedIndexes(first);
    const secondSeen = loggedIndexes(second);
    const seen = new Set([...firstSeen, ...secondSeen]);
    expect(seen.size).toBe(total);
    const duplicates = firstSeen.length + secondSeen.length - total;
    console.log(
      `[basic] SIGTERM after ${firstSeen.length} messages, stop took ${stopMs} ms, ${duplicates} redelivered after restart`,
    );
    expect(await second.stop()).toBe(0);
  });
});
