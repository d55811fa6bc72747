// One test-run as a pipeline of steps: broker, dependency, topics, the kernel, messages, commits, the outage's circuit,
// a clean stop, effects.
import { awaitCommits } from './await-commits.js';
import { checkEffects } from './check-effects.js';
import type { CleanupStack } from './cleanup.js';
import { connectToBroker } from './connect-broker.js';
import { createTestTopics } from './create-test-topics.js';
import type { KernelDir } from './kernel-dir.js';
import type { RunningKernel } from './kernel-process.js';
import { launchKernel, waitUntilReady } from './launch-kernel.js';
import type { TestRunOptions } from './options.js';
import { beginOutage } from './outage-window.js';
import { prepareKernel } from './prepare-kernel.js';
import { produceSamples } from './produce-samples.js';
import type { Progress } from './progress.js';
import { initialResult, planRun, type RunContext } from './run-plan.js';
import { SampleRejected } from './schema-values.js';
import { startDependency } from './start-dependency.js';
import { stopKernel } from './stop-kernel.js';
import type { TestRunResult } from './summary.js';

const LOG_TAIL_LINES = 30;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Passed when every check held; else the first that did not is the run's error. */
function concludeChecks(result: TestRunResult): void {
  result.ok = result.checks.every((check) => check.ok);
  if (!result.ok) result.error = result.checks.find((check) => !check.ok)?.name ?? null;
}

export async function runTestRun(
  kernel: KernelDir,
  options: TestRunOptions,
  progress: Progress,
  cleanup: CleanupStack,
): Promise<TestRunResult> {
  const started = Date.now();
  const plan = planRun(kernel, options);
  const run: RunContext = { kernel, options, progress, cleanup, plan, result: initialResult(kernel, plan) };
  const { result } = run;
  let running: RunningKernel | undefined;
  let badInput = false;
  try {
    const broker = await connectToBroker(run);
    const services = await startDependency(run);
    await createTestTopics(run, broker.admin, services.extraTopics);
    const typed = await prepareKernel(run);
    const kernelUnderTest = await launchKernel(run, broker, services);
    running = kernelUnderTest.process;
    await waitUntilReady(run, kernelUnderTest);
    const outage = await beginOutage(run, services, kernelUnderTest);
    const produced = await produceSamples(run, broker, typed);
    await awaitCommits(run, broker.admin, kernelUnderTest, produced);
    await outage?.settle();
    await stopKernel(run, kernelUnderTest);
    await checkEffects(run, broker, services, typed, outage);
    concludeChecks(result);
  } catch (error) {
    result.ok = false;
    result.error = messageOf(error);
    badInput = error instanceof SampleRejected;
  } finally {
    if (running && (!result.ok || running.hasExited()))
      result.logTail = running.tail(LOG_TAIL_LINES) || '(the kernel printed nothing)';
    if (result.ok) result.logTail = null;
    await cleanup.run();
    result.wallSeconds = (Date.now() - started) / 1000;
    result.exitCode = result.ok ? 0 : badInput ? 2 : 1;
  }
  return result;
}
