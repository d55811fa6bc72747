// --invalid: the dead-letter topic read back, to check exactly the invalid values landed there with a schema reason.
import type { Kafka } from 'kafkajs';
import { DEAD_LETTER_HEADERS } from '../facts.js';

export interface DeadLetter {
  key: string;
  /** dlq.schema.failure, or undefined when the kernel gave no schema reason. */
  schemaFailure: string | undefined;
}

/** Every message of `topic` from its start, until `expected` were read or `timeoutMs` passed. */
export async function readDeadLetters(
  kafka: Kafka,
  topic: string,
  expected: number,
  timeoutMs: number,
): Promise<DeadLetter[]> {
  const consumer = kafka.consumer({ groupId: `${topic}.reader.${Date.now()}` });
  const letters: DeadLetter[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done: () => void = () => undefined;
    const allRead = new Promise<void>((resolve) => {
      done = resolve;
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const header = message.headers?.[DEAD_LETTER_HEADERS.schemaFailure];
        letters.push({ key: message.key?.toString() ?? '', schemaFailure: header?.toString() });
        if (letters.length >= expected) done();
      },
    });
    await Promise.race([allRead, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  } finally {
    await consumer.disconnect();
  }
  return letters;
}
