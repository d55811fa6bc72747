// kafkajs helpers for the kernel tests: topics, producing a workload, reading topics back, and offsets.
import { type Admin, Kafka, logLevel, type IHeaders } from 'kafkajs';

export interface WorkloadMessage {
  key: string;
  value: Buffer;
  partition: number;
}

export interface ReadMessage {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  partition: number;
  offset: string;
}

export function kafkaClient(bootstrapServers: string): Kafka {
  return new Kafka({ clientId: 'cck-integration', brokers: [bootstrapServers], logLevel: logLevel.NOTHING });
}

export async function createTopics(kafka: Kafka, topics: { topic: string; partitions: number }[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: topics.map(({ topic, partitions }) => ({ topic, numPartitions: partitions })),
    });
    await waitForLeaders(admin, topics, 30_000);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every partition has a leader. kafkajs's own waitForLeaders gives up on the first "does not host this
 * topic-partition", which a loaded broker answers while its metadata catches up with the creation.
 */
async function waitForLeaders(
  admin: Admin,
  topics: { topic: string; partitions: number }[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: topics.map(({ topic }) => topic) });
      const ready = topics.every(({ topic, partitions }) => {
        const found = metadata.topics.find((t) => t.name === topic)?.partitions ?? [];
        return found.length === partitions && found.every((p) => p.leader >= 0);
      });
      if (ready) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics ${topics.map((t) => t.topic)} have no leaders after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `count` JSON messages spread over the partitions, with malformed (non-JSON, non-UTF-8) ones at the given indexes. */
export function buildWorkload(
  count: number,
  partitions: number,
  malformedAt: number[],
  payload: (i: number) => object,
): WorkloadMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `key-${i}`,
    partition: i % partitions,
    value: malformedAt.includes(i)
      ? Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x80])
      : Buffer.from(JSON.stringify(payload(i))),
  }));
}

export async function produce(kafka: Kafka, topic: string, messages: WorkloadMessage[]): Promise<void> {
  // Idempotent: on a loaded machine a timed-out send is retried, and a plain producer would then write it twice.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let start = 0; start < messages.length; start += 250) {
      await producer.send({
        topic,
        messages: messages.slice(start, start + 250).map((m) => ({
          key: m.key,
          value: m.value,
          partition: m.partition,
          headers: { source: 'integration-test' },
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([key, value]) => [
      key,
      Buffer.isBuffer(value) ? value.toString('utf8') : String(value),
    ]),
  );
}

/** Reads a topic from the beginning until `expected` messages arrived or the timeout passed. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  expected: number,
  timeoutMs: number,
): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}` });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          messages.push({
            key: message.key?.toString() ?? null,
            value: message.value,
            headers: headersToStrings(message.headers),
            partition,
            offset: message.offset,
          });
          if (messages.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

export interface OffsetsReport {
  committed: Record<number, number>;
  end: Record<number, number>;
}

async function fetchGroupOffsets(kafka: Kafka, groupId: string, topic: string): Promise<OffsetsReport> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    return {
      committed: Object.fromEntries((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)])),
      end: Object.fromEntries(ends.map((p) => [p.partition, Number(p.offset)])),
    };
  } finally {
    await admin.disconnect();
  }
}

/** The group's committed offsets and the topic's end offsets, by partition (-1: nothing committed). */
export async function groupOffsets(kafka: Kafka, groupId: string, topic: string): Promise<OffsetsReport> {
  // Right after a broker starts its group coordinator may still be loading; kafkajs' fetchOffsets does not retry that.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetchGroupOffsets(kafka, groupId, topic);
    } catch (error) {
      if (attempt >= 20 || !(error as { retriable?: boolean }).retriable) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** Polls until the group's committed offsets reach the end offsets of every partition. */
export async function waitForCommittedToEnd(
  kafka: Kafka,
  groupId: string,
  topic: string,
  timeoutMs: number,
  isAlive: () => boolean,
): Promise<OffsetsReport> {
  const deadline = Date.now() + timeoutMs;
  let report = await groupOffsets(kafka, groupId, topic);
  while (Date.now() < deadline) {
    const done = Object.entries(report.end).every(([partition, end]) => report.committed[Number(partition)] === end);
    if (done || !isAlive()) return report;
    await new Promise((resolve) => setTimeout(resolve, 500));
    report = await groupOffsets(kafka, groupId, topic);
  }
  return report;
}

/** Sum of the end offsets: how many messages a fresh topic holds. */
export async function topicSize(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
