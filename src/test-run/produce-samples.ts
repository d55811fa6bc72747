// Step 6 of a test-run: the sample messages produced to the test topic, each batch's produce time kept for the delays.
import type { BrokerConnection } from './connect-broker.js';
import { CommitDelays } from './commit-delay.js';
import type { RunContext } from './run-plan.js';
import { buildMessages } from './sample-messages.js';
import type { SchemaValues } from './schema-values.js';
import { produceMessages, topicSpan } from './topics.js';

/** The key prefix of the --invalid values, which names each one in the DLQ. */
export const INVALID_KEY_PREFIX = 'test-run-invalid-';

export interface Produced {
  delays: CommitDelays;
  /** When the first message was sent: the kernel's rate starts there. */
  firstSentAt: number | undefined;
}

/** The checked samples cycled to `count` messages, then the --invalid values, each with a key that names it. */
function typedMessages(typed: SchemaValues, count: number, runId: string) {
  const headers = { 'clustera-test-run': runId };
  return [
    ...Array.from({ length: count }, (_, i) => ({
      key: `test-run-${i}`,
      value: typed.valid[i % typed.valid.length]!,
      headers,
    })),
    ...typed.invalid.map(({ value }, i) => ({ key: `${INVALID_KEY_PREFIX}${i}`, value, headers })),
  ];
}

export async function produceSamples(
  { options, plan, progress, result }: RunContext,
  { kafka, admin }: BrokerConnection,
  typed: SchemaValues | undefined,
): Promise<Produced> {
  const { topic } = plan;
  progress.step(`Producing ${options.messages} messages to ${topic}`);
  const delays = new CommitDelays((await topicSpan(admin, topic)).end);
  const messages = typed
    ? typedMessages(typed, options.messages, plan.runId)
    : buildMessages(plan.samples, options.messages, plan.runId);
  // The kernel is assigned and polling, so it consumes the first message as it lands.
  let firstSentAt: number | undefined;
  await produceMessages(kafka, topic, messages, async (sentAt) => {
    firstSentAt ??= sentAt;
    delays.produced(sentAt, (await topicSpan(admin, topic)).end);
  });
  result.messages.produced = messages.length;
  return { delays, firstSentAt };
}
