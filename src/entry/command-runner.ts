// Running a command once its arguments are parsed: the reporter, Ctrl-C, --json, and the exit code of a result or error.
import type { CreateOptions } from '../commands/create.js';
import { stderr, stdout } from '../output/direct-output.js';
import { EXIT, exitCodeOf } from '../errors.js';
import { createCancelledMessage, handleInterrupt, setResumeHint } from '../output/interrupt.js';
import { commandFailure, writeJson } from '../output/json-output.js';
import { reportError } from '../output/report-error.js';
import { generatorVersion } from '../paths.js';
import type { Prompter } from '../output/prompter.js';
import { createReporter, openReporter, type Reporter } from '../output/reporter.js';
import { isTerminal, runsInCi } from '../output/terminal.js';

export interface GlobalOptions extends CreateOptions {
  json?: boolean;
  debug?: boolean;
}

export function isInteractive(options: GlobalOptions): boolean {
  // Flags first: even a look at the descriptors costs system calls a run with --yes or --json never needs.
  return !options.yes && !options.json && isTerminal(0) && isTerminal(1) && !runsInCi();
}

/** Styled lines and spinners: only on a terminal, never with --json or in CI. */
export function usesFancyOutput(options: GlobalOptions): boolean {
  return !options.json && isTerminal(1) && !runsInCi();
}

/** Runs a non-create command: plain lines, --json on stdout, Ctrl-C → 130 unless the write is already under way. */
export async function runGuarded(
  command: string,
  options: { json?: boolean; debug?: boolean },
  body: (reporter: Reporter, committing: { value: boolean }) => Promise<{ value: object; exitCode: number }>,
  // update --all may have finished some kernels when Ctrl-C comes; its line says which.
  cancelledMessage: () => string = () => '\nCancelled; nothing was changed.\n',
): Promise<number> {
  const reporter = createReporter({ fancy: false, sink: options.json ? stderr() : stdout() });
  const committing = { value: false };
  const stopHandlingInterrupt = handleInterrupt({
    command,
    json: options.json,
    message: cancelledMessage,
    committing: () => committing.value,
  });
  try {
    const { value, exitCode } = await body(reporter, committing);
    if (options.json) writeJson(value);
    return exitCode;
  } catch (error) {
    const exitCode = exitCodeOf(error);
    reportError(error, options);
    if (options.json) writeJson(commandFailure(command, error, exitCode));
    // check promises 2 for every error, so CI tells "update available" from "broken".
    return command === 'check' && exitCode === EXIT.failure ? EXIT.usage : exitCode;
  } finally {
    stopHandlingInterrupt();
  }
}

export async function runCreate(directory: string | undefined, options: GlobalOptions): Promise<number> {
  const interactive = isInteractive(options);
  const reporter = await openReporter({ fancy: usesFancyOutput(options), sink: options.json ? stderr() : stdout() });
  const prompter: Prompter | undefined = interactive ? await openPrompter() : undefined;
  const stopHandlingInterrupt = handleInterrupt({
    command: 'create',
    json: options.json,
    message: createCancelledMessage,
  });
  try {
    const { createKernel } = await import('../commands/create.js');
    const result = await createKernel(directory, options, { prompter, reporter, uvEnv: userUvEnvironment });
    // test-run handles Ctrl-C itself: it must stop the kernel and clean up before exiting.
    stopHandlingInterrupt();
    const testRun =
      result.testRun && result.ok && !result.dryRun
        ? await (await import('../commands/test-run.js')).testRunAfterCreate(result.directory, options)
        : undefined;
    if (options.json) writeJson(testRun ? { ...result, ok: testRun.ok, testRun } : result);
    return !result.ok ? EXIT.failure : (testRun?.exitCode ?? EXIT.ok);
  } catch (error) {
    const exitCode = exitCodeOf(error);
    reportError(error, options);
    if (options.json) writeJson(commandFailure('create', error, exitCode));
    return exitCode;
  } finally {
    stopHandlingInterrupt();
    setResumeHint(undefined);
  }
}

async function openPrompter(): Promise<Prompter> {
  const [{ intro }, { createClackPrompter }] = await Promise.all([
    import('@clack/prompts'),
    import('../output/prompter.js'),
  ]);
  intro(`create-clustera-kernel ${generatorVersion()}`);
  return createClackPrompter();
}

async function userUvEnvironment(): Promise<NodeJS.ProcessEnv> {
  const { resolveUvEnvironment } = await import('../infra/uv-env.js');
  return resolveUvEnvironment(process.env, { forbidPythonDownloads: false });
}
