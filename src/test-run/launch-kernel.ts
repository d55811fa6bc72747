// Step 5 of a test-run: the kernel on the test topic, group and dead-letter topic, and its wait until it is ready.
import { FailureError } from '../errors.js';
import { findFreePort } from '../infra/free-port.js';
import type { BrokerConnection } from './connect-broker.js';
import { waitForReady } from './kernel-metrics.js';
import { kernelEnvironment } from './kernel-env.js';
import { startKernel, type RunningKernel } from './kernel-process.js';
import type { KindServices } from './kind-services.js';
import type { RunContext } from './run-plan.js';

export interface KernelUnderTest {
  process: RunningKernel;
  healthPort: number;
  alive(): boolean;
}

/** Starts the kernel; cleanup kills it, then deletes the test group it has left. */
export async function launchKernel(
  { kernel, options, plan, progress, cleanup }: RunContext,
  broker: BrokerConnection,
  services: KindServices,
): Promise<KernelUnderTest> {
  progress.step(`Running the kernel on ${plan.topic}`);
  const healthPort = await findFreePort();
  const env = kernelEnvironment({
    fileEnv: plan.fileEnv,
    plaintext: broker.plaintext,
    bootstrapServers: broker.bootstrapServers,
    services: services.env,
    topic: plan.topic,
    group: plan.group,
    dlqTopic: plan.dlqTopic,
    healthPort,
  });
  // The test group's offsets go once the kernel has left it (they stay with --keep-topic, for a look).
  cleanup.push(async () => {
    if (!options.keepTopic) await broker.admin.deleteGroups([plan.group]);
  });
  const kernelProcess = startKernel(kernel.dir, env, (line) => progress.logLine(line));
  cleanup.push(() => kernelProcess.kill());
  return { process: kernelProcess, healthPort, alive: () => !kernelProcess.hasExited() };
}

/** Produced only once the kernel holds its partitions, so the delays measure the kernel, not its start-up. */
export async function waitUntilReady({ options, result }: RunContext, kernel: KernelUnderTest): Promise<void> {
  if (!(await waitForReady(kernel.healthPort, Date.now() + options.timeoutMs, kernel.alive)) && !kernel.alive()) {
    result.kernelExitCode = await kernel.process.exited;
    throw new FailureError(`The kernel exited with code ${result.kernelExitCode} before it was ready.`);
  }
}
