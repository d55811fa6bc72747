// Step 3 of a test-run: its isolated topics, with the partition counts and cleanup policies the kernel's topics.toml
// declares; only the ones this run creates are deleted afterwards (or kept).
import type { Admin } from 'kafkajs';
import type { DeclaredTopic, TopicDeclaration } from '../fleet/topic-declaration.js';
import type { RunContext } from './run-plan.js';
import { createTopics, deleteTopics, type TopicSpec } from './topics.js';

// For a kernel without a declaration (made before topics.toml), or a table that leaves partitions out.
const DEFAULT_PARTITIONS = { input: 3, dlq: 1, output: 1 } as const;

/** The test topics as the declaration has them: its partition counts and cleanup policies, never its retention. */
export function testTopicSpecs(
  declared: TopicDeclaration,
  names: { topic: string; dlqTopic: string; outputs: string[] },
): TopicSpec[] {
  const spec = (topic: string, role: keyof typeof DEFAULT_PARTITIONS): TopicSpec => {
    const table: DeclaredTopic | undefined = declared[role];
    return {
      topic,
      partitions: table?.partitions ?? DEFAULT_PARTITIONS[role],
      ...(table?.cleanupPolicy ? { config: { 'cleanup.policy': table.cleanupPolicy } } : {}),
    };
  };
  return [
    spec(names.topic, 'input'),
    spec(names.dlqTopic, 'dlq'),
    ...names.outputs.map((name) => spec(name, 'output')),
  ];
}

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
  await createTopics(admin, testTopicSpecs(plan.declaredTopics, { topic, dlqTopic, outputs: extraTopics }));
}
