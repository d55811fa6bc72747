// Step 3 of a test-run: its isolated topics; only the ones this run creates are deleted afterwards (or kept).
import type { Admin } from 'kafkajs';
import type { RunContext } from './run-plan.js';
import { createTopics, deleteTopics } from './topics.js';

const PARTITIONS = 3;

/** `extraTopics`: the kind's own, such as the ai kind's output topic. */
export async function createTestTopics(
  { options, plan, cleanup, result }: RunContext,
  admin: Admin,
  extraTopics: string[],
): Promise<void> {
  const { topic, dlqTopic } = plan;
  const existing = new Set(await admin.listTopics());
  const ours = [topic, dlqTopic, ...extraTopics].filter((name) => !existing.has(name));
  cleanup.push(async () => {
    if (options.keepTopic) {
      result.keptTopics = ours;
      return;
    }
    await deleteTopics(admin, ours);
    result.topicsDeleted = true;
  });
  await createTopics(admin, [
    { topic, partitions: PARTITIONS },
    { topic: dlqTopic, partitions: 1 },
    ...extraTopics.map((name) => ({ topic: name, partitions: 1 })),
  ]);
}
