// Checks every kind's integration test makes: where each produced message landed and what the dead-letter topic holds.
import type { Kafka } from 'kafkajs';
import { expect } from 'vitest';
import { readTopic, waitForCommittedToEnd, type ReadMessage } from './kafka.js';
import type { KernelProcess } from './kernel-process.js';

export interface Source {
  index: number;
  partition: number;
  offset: number;
  value: Buffer;
}

/** Where each produced message landed, by key, read back from the broker. */
export async function locate(kafka: Kafka, topic: string, count: number): Promise<Map<string, Source>> {
  const read = await readTopic(kafka, topic, count, 60_000);
  expect(read.length, `read back ${read.length} of ${count} produced messages`).toBe(count);
  return new Map(
    read.map((m) => [
      m.key ?? '',
      {
        index: Number(m.key?.replace('key-', '')),
        partition: m.partition,
        offset: Number(m.offset),
        value: m.value ?? Buffer.alloc(0),
      },
    ]),
  );
}

/** The dead-letter topic holds exactly the malformed messages, unchanged, with headers naming their source. */
export function expectDeadLetters(
  dead: ReadMessage[],
  sources: Map<string, Source>,
  malformedKeys: string[],
  topic: string,
  group: string,
  tail: string,
): void {
  expect(dead.map((m) => m.key).sort(), tail).toEqual([...malformedKeys].sort());
  for (const message of dead) {
    const source = sources.get(message.key ?? '');
    expect(source, `dead letter with unknown key ${message.key}`).toBeDefined();
    expect(message.value?.equals(source!.value), `dead letter ${message.key} keeps the original value`).toBe(true);
    expect(message.headers, `headers of dead letter ${message.key}`).toMatchObject({
      source: 'integration-test',
      'dlq.source.topic': topic,
      'dlq.source.partition': String(source!.partition),
      'dlq.source.offset': String(source!.offset),
      'dlq.group': group,
      'dlq.error.class': 'SkipMessage',
      'dlq.attempts': '1',
    });
    expect(message.headers['dlq.error.message'], `dead letter ${message.key} says why`).toMatch(/UTF-8|JSON/);
    expect(Number.isNaN(Date.parse(message.headers['dlq.time'] ?? '')), `dlq.time of ${message.key}`).toBe(false);
  }
}

/** Waits until the kernel's group has committed every partition to its end, then checks it did. */
export async function expectCommittedToEnd(
  kafka: Kafka,
  kernel: KernelProcess,
  group: string,
  topic: string,
  total: number,
): Promise<void> {
  const offsets = await waitForCommittedToEnd(kafka, group, topic, 150_000, () => !kernel.hasExited());
  expect(
    Object.values(offsets.end).reduce((sum, end) => sum + end, 0),
    'messages in the topic',
  ).toBe(total);
  expect(offsets.committed, `committed offsets vs end offsets\n${kernel.tail()}`).toEqual(offsets.end);
}
