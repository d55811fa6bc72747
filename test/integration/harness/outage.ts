// What the circuit-breaker tests share: a keyed backlog, the circuit's settings, order and prefix checks, waiting.
import { expect } from 'vitest';
import type { WorkloadMessage } from './kafka.js';
import type { KernelProcess } from './kernel-process.js';

export const BACKLOG = 2000;
export const PARTITIONS = 3;
const KEYS = 40;
export const OUTAGE_MS = 30_000;
export const PROBE_MAX_MS = 4000;

/** Probes from 0.5 s up to PROBE_MAX_MS, so "back within one probe interval" is a bound a test can wait for. */
export const CIRCUIT_ENV = {
  CIRCUIT_FAILURE_THRESHOLD: '5',
  CIRCUIT_PROBE_MIN_MS: '500',
  CIRCUIT_PROBE_MAX_MS: String(PROBE_MAX_MS),
  MAX_ATTEMPTS: '5',
  RETRY_BACKOFF_MS: '200',
};

/** `count` JSON messages over 3 partitions; 40 keys repeat and a key always lands on the same partition. */
export function keyedBacklog(count = BACKLOG, payload: (i: number, key: string) => object): WorkloadMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const key = i % KEYS;
    return {
      key: `user-${key}`,
      partition: key % PARTITIONS,
      value: Buffer.from(JSON.stringify(payload(i, `user-${key}`))),
    };
  });
}

/** A fresh topic receives the messages in order, so each one's offset is its rank within its partition. */
export function refsOf(topic: string, workload: WorkloadMessage[]): string[] {
  const next = new Array<number>(PARTITIONS).fill(0);
  return workload.map((message) => `${topic}-${message.partition}-${next[message.partition]!++}`);
}

export const offsetOfRef = (ref: string) => Number(/-(\d+)$/.exec(ref)![1]);
export const partitionOfRef = (ref: string) => Number(/-(\d+)-\d+$/.exec(ref)![1]);

/** Per message key, the offsets in the order they got through must be increasing. */
export function expectOrderPerKey(delivered: { key: string; ref: string }[]): void {
  const byKey = new Map<string, number[]>();
  for (const { key, ref } of delivered) byKey.set(key, [...(byKey.get(key) ?? []), offsetOfRef(ref)]);
  expect(byKey.size, 'message keys that got through').toBeGreaterThan(0);
  for (const [key, offsets] of byKey) {
    expect(offsets, `order in which ${key} got through`).toEqual([...offsets].sort((a, b) => a - b));
  }
}

/** Every offset below a partition's committed offset got through: committing never skipped an unfinished message. */
export function expectCommittedPrefixDelivered(
  committed: Record<number, number>,
  topic: string,
  delivered: Set<string>,
): void {
  for (const [partition, offset] of Object.entries(committed)) {
    for (let below = 0; below < offset; below += 1) {
      expect(delivered.has(`${topic}-${partition}-${below}`), `${topic}-${partition}-${below} below the commit`).toBe(
        true,
      );
    }
  }
}

export function linesMatching(kernel: KernelProcess, pattern: RegExp): string[] {
  return kernel.output.filter((line) => pattern.test(line));
}

export async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

export async function httpText(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}
