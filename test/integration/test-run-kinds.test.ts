// test-run of each kind with the built CLI against the suite's broker: real PostgreSQL from .env, stand-ins otherwise.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedInfra } from '../setup/infra.js';
import { createTopics, kafkaClient } from './harness/kafka.js';
import { generateAndInstallKernel } from './harness/kernel-project.js';
import { groupExists, groupHasOffsets, testRun, topicExists, writeDotEnv } from './harness/test-run.js';
import { removeDir } from '../helpers/cli.js';
import { requireInfra } from '../setup/infra.js';
import type { TestRunResult } from '../../src/test-run/summary.js';

const MESSAGES = 40;

function expectPassed(result: TestRunResult, output: string): void {
  expect(result.ok, output).toBe(true);
  expect(result.exitCode).toBe(0);
  expect(result.messages).toEqual({ produced: MESSAGES, processed: MESSAGES, deadLettered: 0 });
  expect(result.kernelExitCode).toBe(0);
  expect(result.topicsDeleted).toBe(true);
  expect(
    result.checks.every((check) => check.ok),
    JSON.stringify(result.checks),
  ).toBe(true);
}

describe.skipIf(!sharedInfra())('test-run of each kind', () => {
  it('basic: --json documents the run, and the real topic and group stay untouched', async () => {
    const infra = requireInfra();
    const kafka = kafkaClient(infra.kafka.bootstrapServers);
    const project = await generateAndInstallKernel('basic');
    try {
      // The kernel's real topic exists with nothing committed; test-run must not produce to it nor commit for its group.
      await createTopics(kafka, [{ topic: 'clustera-it-basic', partitions: 1 }]);
      writeDotEnv(project.dir, { KAFKA_BOOTSTRAP_SERVERS: infra.kafka.bootstrapServers });
      const run = await testRun(project.dir, ['--messages', String(MESSAGES)]);
      expectPassed(run.result, run.stderr);
      expect(run.result).toMatchObject({
        command: 'test-run',
        directory: project.dir,
        kind: 'basic',
        broker: {
          from: '.env',
          bootstrapServers: infra.kafka.bootstrapServers,
          version: null,
          route: null,
          brokers: 1,
        },
        group: expect.stringMatching(/^it-basic-group\.testrun\.[0-9a-f]{8}$/),
        standIns: [],
        effect: { count: null },
        error: null,
        logTail: null,
      });
      expect(run.result.topic).toMatch(/^clustera-it-basic\.testrun\.[0-9a-f]{8}$/);
      expect(run.result.dlqTopic).toBe(`${run.result.topic}.dlq`);
      // The kernel's window (first message sent to last commit seen) lies within the whole run, broker start apart.
      expect(run.result.kernelSeconds).toBeGreaterThan(0);
      expect(run.result.kernelSeconds!).toBeLessThan(run.result.wallSeconds);
      expect(run.result.brokerStartSeconds).toBeNull();
      expect(run.result.messagesPerSecond).toBeCloseTo(MESSAGES / run.result.kernelSeconds!, 3);
      // Processing is sub-millisecond here; a commit follows within COMMIT_INTERVAL_MS (1 s by default) plus a poll.
      const { processingSeconds, produceToCommitSeconds } = run.result.latency;
      expect(processingSeconds?.p50).toBeGreaterThan(0);
      expect(processingSeconds!.p99).toBeLessThan(0.1);
      expect(produceToCommitSeconds?.p50).toBeGreaterThan(0);
      expect(produceToCommitSeconds!.p50).toBeLessThanOrEqual(produceToCommitSeconds!.p95);
      expect(produceToCommitSeconds!.p99).toBeLessThan(10);
      expect(run.stderr).toMatch(/processing p50 [\d.]+ ms, p95 [\d.]+ ms, p99 [\d.]+ ms/);
      expect(run.stderr).toMatch(/delay +p50 \d+ ms, p95 \d+ ms, p99 \d+ ms \(produce to commit\)/);
      console.log(`[test-run] basic latency: ${JSON.stringify(run.result.latency)}`);
      expect(await topicExists(kafka, run.result.topic), 'test topic deleted').toBe(false);
      expect(await topicExists(kafka, run.result.dlqTopic), 'dead-letter topic deleted').toBe(false);
      expect(await groupExists(kafka, run.result.group), 'test group deleted').toBe(false);
      const admin = kafka.admin();
      await admin.connect();
      expect(
        (await admin.fetchTopicOffsets('clustera-it-basic')).map((p) => p.high),
        'nothing produced to the real topic',
      ).toEqual(['0']);
      await admin.disconnect();
      expect(await groupHasOffsets(kafka, 'it-basic-group', 'clustera-it-basic'), 'real group committed nothing').toBe(
        false,
      );
      expect(run.stderr).toContain('test-run passed');
      console.log(`[test-run] basic: ${run.result.wallSeconds.toFixed(1)} s`);
    } finally {
      removeDir(project.root);
    }
  });

  it("database: rows in the real PostgreSQL from .env, in a local stand-in with --local, and dead letters from the kernel's own fixture", async () => {
    const infra = requireInfra();
    const project = await generateAndInstallKernel('database');
    try {
      writeDotEnv(project.dir, {
        KAFKA_BOOTSTRAP_SERVERS: infra.kafka.bootstrapServers,
        DATABASE_URL: infra.postgres.url,
        DATABASE_TABLE: 'test_run_events',
      });
      const real = await testRun(project.dir, ['--messages', String(MESSAGES)]);
      expectPassed(real.result, real.stderr);
      expect(real.result.standIns).toEqual([]);
      expect(real.result.effect).toEqual({ label: 'rows in test_run_events', count: MESSAGES, expected: MESSAGES });
      console.log(`[test-run] database (real PostgreSQL): ${real.result.wallSeconds.toFixed(1)} s`);

      const local = await testRun(project.dir, [
        '--messages',
        String(MESSAGES),
        '--local',
        '--bootstrap-server',
        infra.kafka.bootstrapServers,
      ]);
      expectPassed(local.result, local.stderr);
      expect(local.result.standIns).toEqual([expect.stringMatching(/^PostgreSQL \(local stand-in/)]);
      expect(local.result.effect).toEqual({ label: 'rows in test_run_events', count: MESSAGES, expected: MESSAGES });
      expect(local.stderr).toContain('[STAND-IN]');
      console.log(`[test-run] database (stand-in PostgreSQL): ${local.result.wallSeconds.toFixed(1)} s`);

      // The kernel's own fixture is what test-run sends: every other line is not JSON, so it is dead-lettered.
      mkdirSync(join(project.dir, 'tests'), { recursive: true });
      writeFileSync(
        join(project.dir, 'tests', 'sample_messages.jsonl'),
        '{"id": "fixture-1", "total": 5}\nnot json at all\n',
      );
      const fixture = await testRun(project.dir, ['--messages', String(MESSAGES)]);
      expect(fixture.result.ok, fixture.stderr).toBe(true);
      expect(fixture.result.samplesFrom).toBe('tests/sample_messages.jsonl');
      expect(fixture.result.messages).toEqual({ produced: MESSAGES, processed: MESSAGES, deadLettered: MESSAGES / 2 });
      expect(fixture.result.effect).toEqual({
        label: 'rows in test_run_events',
        count: MESSAGES / 2,
        expected: MESSAGES / 2,
      });
    } finally {
      removeDir(project.root);
    }
  });

  it('http: every message reaches the in-process sink', async () => {
    const infra = requireInfra();
    const project = await generateAndInstallKernel('http');
    try {
      writeDotEnv(project.dir, { KAFKA_BOOTSTRAP_SERVERS: infra.kafka.bootstrapServers });
      const run = await testRun(project.dir, ['--messages', String(MESSAGES)]);
      expectPassed(run.result, run.stderr);
      expect(run.result.standIns).toEqual([expect.stringMatching(/^HTTP API \(in-process sink/)]);
      expect(run.result.effect).toEqual({ label: 'requests received', count: MESSAGES, expected: MESSAGES });
      console.log(`[test-run] http: ${run.result.wallSeconds.toFixed(1)} s`);
    } finally {
      removeDir(project.root);
    }
  });

  it('ai: one result per message on the isolated output topic, from the echo model', async () => {
    const infra = requireInfra();
    const project = await generateAndInstallKernel('ai');
    try {
      // OUTPUT_TOPIC in .env is the real one; test-run must write its results elsewhere.
      writeDotEnv(project.dir, {
        KAFKA_BOOTSTRAP_SERVERS: infra.kafka.bootstrapServers,
        OUTPUT_TOPIC: 'it-ai-real-output',
      });
      const run = await testRun(project.dir, ['--messages', String(MESSAGES)]);
      expectPassed(run.result, run.stderr);
      expect(run.result.standIns).toEqual([expect.stringMatching(/^OpenAI-compatible model \(in-process echo/)]);
      expect(run.result.effect).toEqual({
        label: `results on ${run.result.topic}.output`,
        count: MESSAGES,
        expected: MESSAGES,
      });
      expect(await topicExists(kafkaClient(infra.kafka.bootstrapServers), 'it-ai-real-output')).toBe(false);
      console.log(`[test-run] ai: ${run.result.wallSeconds.toFixed(1)} s`);
    } finally {
      rmSync(join(project.dir, '.env'), { force: true });
      removeDir(project.root);
    }
  });
});
