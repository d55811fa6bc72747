// /metrics on a real broker while the http kernel is paused on a full window (its API stops answering): per-partition
// lag equals end offset minus committed (librdkafka's figure, and the broker's end offset for a paused partition,
// which librdkafka stops refreshing), and the time lag keeps growing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/infra/free-port.js';
import { removeDir } from '../helpers/cli.js';
import { type FakeService, startFakeService } from '../setup/fake-services.js';
import { infraAvailable, requireInfra, uniqueName } from '../setup/infra.js';
import { createTopics, groupOffsets, kafkaClient, produce, waitForCommittedToEnd } from './harness/kafka.js';
import { kernelEnv } from './harness/kernel-env.js';
import { startKernel, type KernelProcess } from './harness/kernel-process.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';

const PARTITIONS = 3;
const ANSWERED = 30;
const STALLED = 300;
// librdkafka's statistics.interval.ms in the runtime (kafka_config.STATISTICS_INTERVAL_MS).
const STATISTICS_INTERVAL_MS = 5000;

type Samples = Map<string, number>;

async function scrape(port: number): Promise<Samples> {
  const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const samples: Samples = new Map();
  for (const line of body.split('\n')) {
    const match = /^(\S+) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

const lagOf = (samples: Samples, topic: string, partition: number) =>
  samples.get(`clustera_kernel_consumer_lag{partition="${partition}",topic="${topic}"}`);

function messages(count: number, from: number) {
  return Array.from({ length: count }, (_, i) => ({
    key: `k-${from + i}`,
    partition: (from + i) % PARTITIONS,
    value: Buffer.from(JSON.stringify({ seq: from + i })),
  }));
}

describe.skipIf(!infraAvailable())('lag metrics on a real broker', () => {
  let project: KernelProject;
  let api: FakeService;
  let stalled = false;
  let kernel: KernelProcess | undefined;

  beforeAll(async () => {
    api = await startFakeService(() =>
      stalled ? { status: 200, body: { ok: true }, delayMs: 120_000 } : { status: 200, body: { ok: true } },
    );
    project = await generateAndInstallKernel('http');
  });

  afterAll(async () => {
    await kernel?.stop();
    await api?.close();
    if (project) removeDir(project.root);
  });

  it('shows end minus committed per partition and a growing time lag while paused on a full window', async () => {
    const kafka = kafkaClient(requireInfra().kafka.bootstrapServers);
    const run = { topic: uniqueName('it-lag'), group: uniqueName('it-lag-group'), dlq: uniqueName('it-lag-dlq') };
    await createTopics(kafka, [
      { topic: run.topic, partitions: PARTITIONS },
      { topic: run.dlq, partitions: 1 },
    ]);
    const port = await findFreePort();
    kernel = startKernel(
      project.dir,
      kernelEnv(requireInfra().kafka.bootstrapServers, run, {
        API_BASE_URL: api.url,
        HEALTH_PORT: String(port),
        MAX_IN_FLIGHT: '4',
        HTTP_TIMEOUT_S: '300',
      }),
    );
    const running = kernel;
    await produce(kafka, run.topic, messages(ANSWERED, 0));
    await waitForCommittedToEnd(kafka, run.group, run.topic, 60_000, () => !running.hasExited());

    stalled = true;
    // In two halves, a pause apart: the kernel has paused every partition (a full window) before the second half
    // lands, so librdkafka never fetches it and its own end offsets stay at the first half.
    await produce(kafka, run.topic, messages(STALLED / 2, ANSWERED));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await produce(kafka, run.topic, messages(STALLED / 2, ANSWERED + STALLED / 2));
    // Two statistics intervals: librdkafka has seen the new end offsets and the (unchanged) committed ones.
    await new Promise((resolve) => setTimeout(resolve, 2 * STATISTICS_INTERVAL_MS + 1000));

    const offsets = await groupOffsets(kafka, run.group, run.topic);
    const first = await scrape(port);
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const expected = offsets.end[partition]! - offsets.committed[partition]!;
      expect(expected, `partition ${partition} has messages waiting`).toBeGreaterThan(0);
      expect(lagOf(first, run.topic, partition), `lag of partition ${partition}`).toBe(expected);
    }
    expect(first.get('clustera_kernel_in_flight')).toBe(4);
    expect(first.get('clustera_kernel_oldest_in_flight_seconds')).toBeGreaterThan(5);

    await new Promise((resolve) => setTimeout(resolve, 3000));
    const second = await scrape(port);
    const firstTimeLag = first.get('clustera_kernel_time_lag_seconds')!;
    const secondTimeLag = second.get('clustera_kernel_time_lag_seconds')!;
    expect(firstTimeLag).toBeGreaterThan(5);
    expect(secondTimeLag - firstTimeLag).toBeGreaterThanOrEqual(2.5);
    expect(second.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    console.log(
      `[lag] per partition ${[0, 1, 2].map((p) => lagOf(second, run.topic, p)).join('/')}, time lag ${firstTimeLag.toFixed(1)} s -> ${secondTimeLag.toFixed(1)} s`,
    );
  });
});
