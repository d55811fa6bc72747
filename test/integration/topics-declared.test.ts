// `clustera-kernel topics check | apply` in a generated kernel, against the real broker: each drift case exits 1,
// apply fixes it and check then exits 0; a lower declared partition count is refused, not applied.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/cli.js';
import { requireInfra, sharedInfra, uniqueName } from '../setup/infra.js';
import { createTopics, kafkaClient } from './harness/kafka.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';
import { testRun } from './harness/test-run.js';

interface Finding {
  kind: string;
  role: string;
  topic: string;
}

interface CheckResult {
  exitCode: number;
  drift: Finding[];
  notes: Finding[];
  stdout: string;
  stderr: string;
}

const RETENTION_MS = 3_600_000;

function declaration(input: number, dlq: number): string {
  const table = (partitions: number) =>
    `partitions = ${partitions}\nreplication_factor = 1\nretention_ms = ${RETENTION_MS}\ncleanup_policy = "delete"\n`;
  return `[input]\n${table(input)}\n[dlq]\n${table(dlq)}`;
}

describe.skipIf(!sharedInfra())('declared topics on a real broker', () => {
  let project: KernelProject | undefined;
  let kafka: Kafka | undefined;

  beforeAll(async () => {
    kafka = kafkaClient(requireInfra().kafka.bootstrapServers);
    project = await generateAndInstallKernel('basic');
  });
  afterAll(() => {
    if (project) removeDir(project.root);
  });

  const kernelDir = (): string => {
    if (!project) throw new Error('no kernel');
    return project.dir;
  };

  /** The kernel's own console script, with its settings in the environment as a deployment sets them. */
  async function topics(args: string[], env: Record<string, string>) {
    return execa(join(kernelDir(), '.venv', 'bin', 'clustera-kernel'), ['topics', ...args], {
      cwd: kernelDir(),
      env: { KAFKA_BOOTSTRAP_SERVERS: requireInfra().kafka.bootstrapServers, ...env },
      extendEnv: false,
      reject: false,
    });
  }

  async function check(env: Record<string, string>): Promise<CheckResult> {
    const run = await topics(['check', '--json'], env);
    const parsed = run.stdout ? (JSON.parse(run.stdout) as { drift: Finding[]; notes: Finding[] }) : undefined;
    return {
      exitCode: run.exitCode ?? -1,
      drift: parsed?.drift ?? [],
      notes: parsed?.notes ?? [],
      stdout: run.stdout,
      stderr: run.stderr,
    };
  }

  async function applyAndCheckClean(env: Record<string, string>): Promise<string> {
    const applied = await topics(['apply'], env);
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    const after = await check(env);
    expect(after.exitCode, after.stdout + after.stderr).toBe(0);
    return applied.stdout;
  }

  async function partitionsOf(topic: string): Promise<number> {
    const admin = kafka?.admin();
    if (!admin) throw new Error('no kafka');
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      return metadata.topics[0]?.partitions.length ?? 0;
    } finally {
      await admin.disconnect();
    }
  }

  /** Sets a topic's configs behind the kernel's back, as an operator's manual change would. */
  async function setConfigs(topic: string, configs: Record<string, string>): Promise<void> {
    const admin = kafka?.admin();
    if (!admin) throw new Error('no kafka');
    await admin.connect();
    try {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }
  }

  it('names each drift with exit 1; apply fixes it and check then exits 0', async () => {
    const env = { KAFKA_TOPIC: uniqueName('declared-in'), DLQ_TOPIC: uniqueName('declared-dlq') };
    writeFileSync(join(kernelDir(), 'topics.toml'), declaration(2, 2));

    // Missing topics; a dry run changes nothing.
    const missing = await check(env);
    expect(missing.exitCode, missing.stderr).toBe(1);
    expect(missing.drift.map((d) => [d.role, d.kind])).toEqual([
      ['input', 'missing'],
      ['dlq', 'missing'],
    ]);
    const dryRun = await topics(['apply', '--dry-run'], env);
    expect(dryRun.exitCode, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain(`would create ${env.KAFKA_TOPIC} (input): 2 partitions`);
    expect((await check(env)).exitCode).toBe(1);
    await applyAndCheckClean(env);
    expect(await partitionsOf(env.KAFKA_TOPIC)).toBe(2);

    // Fewer partitions than declared: apply raises the input, and the DLQ with it, and says keys move.
    writeFileSync(join(kernelDir(), 'topics.toml'), declaration(4, 2));
    const fewer = await check(env);
    expect(fewer.exitCode).toBe(1);
    expect(fewer.drift.map((d) => [d.role, d.kind])).toEqual([['input', 'partitions']]);
    const raised = await applyAndCheckClean(env);
    expect(raised).toContain('more partitions move keys');
    expect([await partitionsOf(env.KAFKA_TOPIC), await partitionsOf(env.DLQ_TOPIC)]).toEqual([4, 4]);

    // Another cleanup policy, then another retention, each changed on the cluster behind the declaration's back.
    for (const [configs, kind] of [
      [{ 'cleanup.policy': 'compact', 'retention.ms': String(RETENTION_MS) }, 'cleanup_policy'],
      [{ 'cleanup.policy': 'delete', 'retention.ms': '60000' }, 'retention'],
    ] as const) {
      await setConfigs(env.DLQ_TOPIC, configs);
      const drifted = await check(env);
      expect(drifted.exitCode, drifted.stdout).toBe(1);
      expect(drifted.drift.map((d) => [d.role, d.kind])).toEqual([['dlq', kind]]);
      await applyAndCheckClean(env);
    }
  });

  it('flags a DLQ narrower than its source, raises it, and refuses to lower a count', async () => {
    const env = { KAFKA_TOPIC: uniqueName('declared-in'), DLQ_TOPIC: uniqueName('declared-dlq') };
    if (!kafka) throw new Error('no kafka');
    await createTopics(kafka, [
      { topic: env.KAFKA_TOPIC, partitions: 3 },
      { topic: env.DLQ_TOPIC, partitions: 1 },
    ]);
    for (const topic of [env.KAFKA_TOPIC, env.DLQ_TOPIC])
      await setConfigs(topic, { 'cleanup.policy': 'delete', 'retention.ms': String(RETENTION_MS) });
    // The declaration asks for fewer input partitions than the topic has: never lowered.
    writeFileSync(join(kernelDir(), 'topics.toml'), declaration(1, 1));

    const narrow = await check(env);
    expect(narrow.exitCode, narrow.stderr).toBe(1);
    expect(narrow.drift.map((d) => [d.role, d.kind])).toEqual([['dlq', 'dlq_partitions']]);
    expect(narrow.notes.map((n) => [n.role, n.kind])).toEqual([['input', 'more_partitions']]);

    const applied = await applyAndCheckClean(env);
    expect(applied).toContain('never lowered');
    expect([await partitionsOf(env.KAFKA_TOPIC), await partitionsOf(env.DLQ_TOPIC)]).toEqual([3, 3]);
  });

  it('test-run makes its test topics with the declared partition counts and cleanup policies', async () => {
    writeFileSync(
      join(kernelDir(), 'topics.toml'),
      '[input]\npartitions = 2\nretention_ms = 60000\n\n[dlq]\npartitions = 4\ncleanup_policy = "compact,delete"\n',
    );
    const bootstrap = requireInfra().kafka.bootstrapServers;
    const run = await testRun(kernelDir(), ['--bootstrap-server', bootstrap, '--messages', '20', '--keep-topic']);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const { topic, dlqTopic } = run.result;
    expect([await partitionsOf(topic), await partitionsOf(dlqTopic)]).toEqual([2, 4]);
    const admin = kafka?.admin();
    if (!admin) throw new Error('no kafka');
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [topic, dlqTopic].map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['cleanup.policy'],
        })),
      });
      const policies = Object.fromEntries(
        described.resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]),
      );
      expect(policies).toEqual({ [topic]: 'delete', [dlqTopic]: 'compact,delete' });
      await admin.deleteTopics({ topics: [topic, dlqTopic] });
    } finally {
      await admin.disconnect();
    }
  });

  it('a declaration that does not parse, or a negative count, is one line and exit 2', async () => {
    const env = { KAFKA_TOPIC: uniqueName('declared-in') };
    for (const [text, says] of [
      ['[input]\npartitions = -1\n', 'partitions must be an integer >= 1 (got -1)'],
      ['[input\n', 'topics.toml does not parse'],
    ] as const) {
      writeFileSync(join(kernelDir(), 'topics.toml'), text);
      for (const command of [['check'], ['apply', '--dry-run']]) {
        const run = await topics(command, env);
        expect(run.exitCode).toBe(2);
        expect(run.stderr).toContain(says);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
      }
    }
  });
});
