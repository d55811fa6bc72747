// Running the built CLI's test-run against the shared infrastructure, and reading its --json result.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { TestRunResult } from '../../../src/test-run/summary.js';
import { runCli, type CliRun } from '../../helpers/cli.js';

export interface TestRunOutcome extends CliRun {
  result: TestRunResult;
}

// The developer's shell must not choose the broker or services of a test-run under test.
const CLEARED = ['KAFKA_BOOTSTRAP_SERVERS', 'DATABASE_URL', 'API_BASE_URL', 'OPENAI_BASE_URL', 'OPENAI_API_KEY', 'CI'];
export const cleanEnv = (): Record<string, string> => Object.fromEntries(CLEARED.map((name) => [name, '']));

export async function testRun(
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<TestRunOutcome> {
  const run = await runCli(['test-run', dir, '--json', ...args], { cwd: dir, env: { ...cleanEnv(), ...env } });
  let result: TestRunResult;
  try {
    result = JSON.parse(run.stdout) as TestRunResult;
  } catch {
    throw new Error(`test-run printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
  return { ...run, result };
}

export function writeDotEnv(dir: string, values: Record<string, string>): void {
  writeFileSync(
    join(dir, '.env'),
    Object.entries(values)
      .map(([key, value]) => `${key}=${value}\n`)
      .join(''),
  );
}

/** A copy of an installed kernel, to change without touching the original. */
export function copyKernel(dir: string, target: string): string {
  cpSync(dir, target, { recursive: true });
  return target;
}

export async function topicExists(kafka: Kafka, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

/** Whether the group ever committed: kafkajs reports -1 for every partition of a group that never did. */
export async function groupHasOffsets(kafka: Kafka, group: string, topic: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return (offsets?.partitions ?? []).some((p) => Number(p.offset) >= 0);
  } finally {
    await admin.disconnect();
  }
}

export async function groupExists(kafka: Kafka, group: string): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listGroups()).groups.some((g) => g.groupId === group);
  } finally {
    await admin.disconnect();
  }
}
