// The hooks every kernel test file needs: one generated and installed kernel, fresh topics per test, kernels stopped after each.
import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { KindName } from '../../../src/kinds.js';
import { removeDir } from '../../helpers/cli.js';
import { requireInfra, uniqueName } from '../../setup/infra.js';
import type { IntegrationInfra } from '../../setup/provided.js';
import { createTopics, kafkaClient } from './kafka.js';
import type { KernelRun } from './kernel-env.js';
import { startKernel, type KernelProcess } from './kernel-process.js';
import { generateAndInstallKernel, type KernelProject } from './kernel-project.js';

export interface KernelSuite {
  readonly infra: IntegrationInfra;
  readonly kafka: Kafka;
  readonly project: KernelProject;
  /** A new input topic (3 partitions unless told) and dead-letter topic, with a group of its own. */
  freshRun(partitions?: number): Promise<KernelRun>;
  /** Starts the kernel; it is stopped after the test whatever happens. */
  start(env: Record<string, string>): KernelProcess;
}

/** Call inside a describe: registers its hooks and returns accessors valid inside tests. */
export function useKernelSuite(kind: KindName, prefix: string, createArgs: string[] = []): KernelSuite {
  let infra: IntegrationInfra | undefined;
  let kafka: Kafka | undefined;
  let project: KernelProject | undefined;
  const running: KernelProcess[] = [];
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the kernel suite is used outside a test');
    return value;
  };

  beforeAll(async () => {
    infra = requireInfra();
    kafka = kafkaClient(infra.kafka.bootstrapServers);
    project = await generateAndInstallKernel(kind, createArgs);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((kernel) => kernel.stop()));
  });
  afterAll(() => {
    if (project) removeDir(project.root);
  });

  return {
    get infra() {
      return ready(infra);
    },
    get kafka() {
      return ready(kafka);
    },
    get project() {
      return ready(project);
    },
    async freshRun(partitions = 3) {
      const run = {
        topic: uniqueName(`${prefix}-in`),
        group: uniqueName(`${prefix}-group`),
        dlq: uniqueName(`${prefix}-dlq`),
      };
      await createTopics(ready(kafka), [
        { topic: run.topic, partitions },
        { topic: run.dlq, partitions: 1 },
      ]);
      return run;
    },
    start(env) {
      const kernel = startKernel(ready(project).dir, env);
      running.push(kernel);
      return kernel;
    },
  };
}
