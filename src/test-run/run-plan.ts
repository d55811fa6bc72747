// What a test-run is about before anything starts (its id, topics, group, samples, the kernel's .env), and its result
// so far, which each step of the run fills in.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { readTopicDeclaration, type TopicDeclaration } from '../fleet/topic-declaration.js';
import type { CleanupStack } from './cleanup.js';
import { readDotEnv } from './dot-env.js';
import type { KernelDir } from './kernel-dir.js';
import type { TestRunOptions } from './options.js';
import type { Progress } from './progress.js';
import { readSamples, type Samples } from './sample-messages.js';
import { lookupIn, type Lookup } from './settings.js';
import type { TestRunResult } from './summary.js';

export interface RunPlan {
  runId: string;
  topic: string;
  dlqTopic: string;
  group: string;
  samples: Samples;
  /** The kernel's .env as test-run reads it (empty without one). */
  fileEnv: Record<string, string>;
  /** A setting as the kernel would see it: the environment, then .env. */
  lookup: Lookup;
  /** The kernel's topics.toml (empty for a kernel without one): the test topics take its partitions and policies. */
  declaredTopics: TopicDeclaration;
}

/** What every step of a run reads; `result` is the one thing they write. */
export interface RunContext {
  kernel: KernelDir;
  options: TestRunOptions;
  progress: Progress;
  cleanup: CleanupStack;
  plan: RunPlan;
  result: TestRunResult;
}

export function planRun(kernel: KernelDir, options: TestRunOptions): RunPlan {
  if (options.invalid > 0 && !kernel.schema)
    throw new UsageError('--invalid needs a kernel with a schema (create --schema <file>); this one has none.');
  const declared = readTopicDeclaration(kernel.dir);
  if (declared !== null && 'problem' in declared) throw new UsageError(declared.problem);
  const fileEnv = readDotEnv(join(kernel.dir, '.env'));
  const lookup = lookupIn(fileEnv, process.env);
  const runId = randomBytes(4).toString('hex');
  const topic = options.topic ?? `${kernel.topic}.testrun.${runId}`;
  return {
    runId,
    topic,
    dlqTopic: `${topic}.dlq`,
    group: `${kernel.group}.testrun.${runId}`,
    samples: readSamples(kernel.dir, kernel.kind),
    fileEnv,
    lookup,
    declaredTopics: declared?.declaration ?? {},
  };
}

/** A failed run's result until the steps say otherwise. */
export function initialResult(kernel: KernelDir, plan: RunPlan): TestRunResult {
  return {
    ok: false,
    command: 'test-run',
    directory: kernel.dir,
    kind: kernel.kind.name,
    broker: { from: 'local', bootstrapServers: '', version: null, route: null, brokers: null },
    topic: plan.topic,
    dlqTopic: plan.dlqTopic,
    group: plan.group,
    samplesFrom: plan.samples.from,
    messages: { produced: 0, processed: 0, deadLettered: 0 },
    wallSeconds: 0,
    brokerStartSeconds: null,
    kernelSeconds: null,
    messagesPerSecond: null,
    latency: { processingSeconds: null, produceToCommitSeconds: null },
    standIns: [],
    effect: { label: '', count: null, expected: 0 },
    kernelExitCode: null,
    topicsDeleted: false,
    keptTopics: [],
    environment: null,
    outage: null,
    checks: [],
    error: null,
    logTail: null,
    exitCode: 1,
  };
}
