// `test-run [dir]`: proves a kernel consumes, processes and commits for real; loaded only when the command runs.
import { exitCodeOf } from '../errors.js';
import { stderr, stdout } from '../output/direct-output.js';
import { handleInterrupt } from '../output/interrupt.js';
import { commandFailure, writeJson, type CommandFailure } from '../output/json-output.js';
import { reportError } from '../output/report-error.js';
import { isTerminal, runsInCi } from '../output/terminal.js';
import { CleanupStack } from '../test-run/cleanup.js';
import { readKernelDir } from '../test-run/kernel-dir.js';
import { parseTestRunFlags, type TestRunFlags } from '../test-run/options.js';
import { createProgress, type Progress } from '../test-run/progress.js';
import { runTestRun } from '../test-run/run.js';
import { formatSummary, type TestRunResult } from '../test-run/summary.js';

export type { TestRunFlags } from '../test-run/options.js';

/** Runs a test-run and prints its outcome; returns the exit code. */
export async function runTestRunCommand(directory: string | undefined, flags: TestRunFlags): Promise<number> {
  const outcome = await executeTestRun(directory, flags);
  if (flags.json) writeJson(outcome);
  return outcome.exitCode;
}

/** `create --test-run`: a failed run keeps the kernel and says how to run it again. */
export async function testRunAfterCreate(
  directory: string,
  flags: Pick<TestRunFlags, 'json' | 'debug'>,
): Promise<TestRunResult | CommandFailure> {
  const outcome = await executeTestRun(directory, { json: flags.json, debug: flags.debug });
  if (!outcome.ok) {
    const human = flags.json ? stderr() : stdout();
    human.write(
      `The kernel is kept in ${directory}; after fixing it, run again with:\n  npx create-clustera-kernel test-run ${JSON.stringify(directory)}\n`,
    );
  }
  return outcome;
}

/** Runs a test-run, printing human output only (on stderr with --json); the caller prints the JSON. */
async function executeTestRun(
  directory: string | undefined,
  flags: TestRunFlags,
): Promise<TestRunResult | CommandFailure> {
  const humanFd = flags.json ? 2 : 1;
  const human = flags.json ? stderr() : stdout();
  const cleanup = new CleanupStack();
  let progress: Progress | undefined;
  // Ctrl-C stops the kernel and the local services and deletes the test topics before exiting.
  const stopHandlingInterrupt = handleInterrupt({
    command: 'test-run',
    json: flags.json,
    message: () => 'Cancelled: stopping the kernel and cleaning up.\n',
    stopDrawing: () => progress?.done('Ctrl-C'),
    cleanUp: () => cleanup.run(),
    signals: ['SIGINT', 'SIGTERM'],
  });
  try {
    const options = parseTestRunFlags(flags);
    const kernel = readKernelDir(directory);
    const width = () => (humanFd === 1 ? process.stdout : process.stderr).columns ?? 80;
    progress = createProgress(isTerminal(humanFd) && !runsInCi(), human, width);
    progress.step(`test-run of ${kernel.name} (${kernel.kind.name}) in ${kernel.dir}`);
    const result = await runTestRun(kernel, options, progress, cleanup);
    progress.done(result.ok ? 'test-run finished' : 'test-run failed');
    human.write(formatSummary(result));
    return result;
  } catch (error) {
    progress?.done('test-run failed');
    await cleanup.run();
    const exitCode = exitCodeOf(error);
    reportError(error, flags);
    return commandFailure('test-run', error, exitCode);
  } finally {
    stopHandlingInterrupt();
  }
}
