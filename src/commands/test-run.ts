// `test-run [dir]`: proves a kernel consumes, processes and commits for real; loaded only when the command runs.
import { CancelledError, EXIT, exitCodeOf } from '../errors.js';
import { CleanupStack } from '../test-run/cleanup.js';
import { readKernelDir } from '../test-run/kernel-dir.js';
import { parseTestRunFlags, type TestRunFlags } from '../test-run/options.js';
import { createProgress, type Progress } from '../test-run/progress.js';
import { runTestRun } from '../test-run/run.js';
import { formatSummary, type TestRunResult } from '../test-run/summary.js';

export type { TestRunFlags } from '../test-run/options.js';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface TestRunFailure {
  ok: false;
  command: 'test-run';
  error: string;
  exitCode: number;
}

/** Runs a test-run and prints its outcome; returns the exit code. */
export async function runTestRunCommand(directory: string | undefined, flags: TestRunFlags): Promise<number> {
  const outcome = await executeTestRun(directory, flags);
  if (flags.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
  return outcome.exitCode;
}

/** `create --test-run`: a failed run keeps the kernel and says how to run it again. */
export async function testRunAfterCreate(directory: string, flags: Pick<TestRunFlags, 'json' | 'debug'>): Promise<TestRunResult | TestRunFailure> {
  const outcome = await executeTestRun(directory, { json: flags.json, debug: flags.debug });
  if (!outcome.ok) {
    const human = flags.json ? process.stderr : process.stdout;
    human.write(`The kernel is kept in ${directory}; after fixing it, run again with:\n  npx create-clustera-kernel test-run ${JSON.stringify(directory)}\n`);
  }
  return outcome;
}

/** Runs a test-run, printing human output only (on stderr with --json); the caller prints the JSON. */
async function executeTestRun(directory: string | undefined, flags: TestRunFlags): Promise<TestRunResult | TestRunFailure> {
  const human = flags.json ? process.stderr : process.stdout;
  const cleanup = new CleanupStack();
  let progress: Progress | undefined;
  // Ctrl-C stops the kernel and the local services and deletes the test topics before exiting.
  const onSigint = (): void => {
    progress?.done('Ctrl-C');
    process.stderr.write('Cancelled: stopping the kernel and cleaning up.\n');
    void cleanup.run().finally(() => {
      if (flags.json) process.stdout.write(`${JSON.stringify({ ok: false, command: 'test-run', error: new CancelledError().message, exitCode: EXIT.cancelled }, null, 2)}\n`);
      process.exit(EXIT.cancelled);
    });
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const options = parseTestRunFlags(flags);
    const kernel = readKernelDir(directory);
    progress = createProgress(Boolean(human.isTTY) && !process.env.CI, human);
    progress.step(`test-run of ${kernel.name} (${kernel.kind.name}) in ${kernel.dir}`);
    const result = await runTestRun(kernel, options, progress, cleanup);
    progress.done(result.ok ? 'test-run finished' : 'test-run failed');
    human.write(formatSummary(result));
    return result;
  } catch (error) {
    progress?.done('test-run failed');
    await cleanup.run();
    const exitCode = exitCodeOf(error);
    if (flags.debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.stderr.write(`error: ${messageOf(error)}\n`);
    return { ok: false, command: 'test-run', error: messageOf(error), exitCode };
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigint);
  }
}
