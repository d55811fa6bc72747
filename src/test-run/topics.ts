// kafkajs admin work of a test-run: create and delete its topics, produce, and read offsets.
import type { Admin, Kafka } from 'kafkajs';

export interface Offsets {
  committed: Record<number, number>;
  start: Record<number, number>;
  end: Record<number, number>;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Topic configs, such as cleanup.policy. */
  config?: Record<string, string>;
}

export async function createTopics(admin: Admin, topics: TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter(({ topic }) => !existing.has(topic));
  if (missing.length === 0) return;
  await admin.createTopics({
    topics: missing.map(({ topic, partitions, config }) => ({
      topic,
      numPartitions: partitions,
      configEntries: Object.entries(config ?? {}).map(([name, value]) => ({ name, value })),
    })),
    waitForLeaders: true,
  });
}

export async function produceMessages(
  kafka: Kafka,
  topic: string,
  messages: { key: string; value: string | Buffer; headers: Record<string, string> }[],
  afterBatch?: (sentAt: number) => Promise<void>,
): Promise<void> {
  // Idempotent: a retried send must not put a message in twice, or the counts would not add up.
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let start = 0; start < messages.length; start += 500) {
      const sentAt = Date.now();
      await producer.send({ topic, acks: -1, messages: messages.slice(start, start + 500) });
      await afterBatch?.(sentAt);
    }
  } finally {
    await producer.disconnect();
  }
}

export async function topicSpan(
  admin: Admin,
  topic: string,
): Promise<{ start: Record<number, number>; end: Record<number, number> }> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return {
    start: Object.fromEntries(offsets.map((p) => [p.partition, Number(p.low)])),
    end: Object.fromEntries(offsets.map((p) => [p.partition, Number(p.high)])),
  };
}

/** How many messages a topic holds now. */
export async function topicCount(admin: Admin, topic: string): Promise<number> {
  const { start, end } = await topicSpan(admin, topic);
  return Object.keys(end).reduce((sum, p) => sum + (end[Number(p)] ?? 0) - (start[Number(p)] ?? 0), 0);
}

export async function groupOffsets(admin: Admin, group: string, topic: string): Promise<Offsets> {
  const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return {
    committed: Object.fromEntries((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)])),
    ...(await topicSpan(admin, topic)),
  };
}

export function reachedEnd(offsets: Offsets): boolean {
  return Object.entries(offsets.end).every(
    ([p, end]) => end === (offsets.start[Number(p)] ?? 0) || offsets.committed[Number(p)] === end,
  );
}

/** Messages the group committed past, counted from where the topic began. */
export function processedCount(offsets: Offsets): number {
  return Object.entries(offsets.end).reduce((sum, [p]) => {
    const committed = offsets.committed[Number(p)] ?? -1;
    return sum + (committed < 0 ? 0 : committed - (offsets.start[Number(p)] ?? 0));
  }, 0);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until every partition is committed to its end, the kernel stops, or the deadline passes. */
export async function waitForCommitted(
  admin: Admin,
  group: string,
  topic: string,
  deadline: number,
  isAlive: () => boolean,
  onPoll?: (offsets: Offsets) => void,
): Promise<Offsets> {
  for (;;) {
    let offsets: Offsets | undefined;
    try {
      offsets = await groupOffsets(admin, group, topic);
    } catch (error) {
      // The group coordinator may still be loading on a fresh broker.
      if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
    }
    if (offsets) onPoll?.(offsets);
    if (offsets && (reachedEnd(offsets) || !isAlive() || Date.now() > deadline)) return offsets;
    // Often enough that the produce-to-commit delays in the summary are accurate to a tenth of a second.
    await pause(100);
  }
}

export async function deleteTopics(admin: Admin, topics: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((topic) => existing.has(topic));
  if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 10_000 });
}
