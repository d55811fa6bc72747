// Running a command once its arguments are parsed: the reporter, Ctrl-C, --json, and the exit code of a result or error.
import type { CreateOptions, CreateResult } from '../commands/create.js';
import { stderr, stdout } from '../output/direct-output.js';
import { CancelledError, EXIT, exitCodeOf } from '../errors.js';
import { exitOnInterrupt } from '../output/interrupt.js';
import { generatorVersion } from '../paths.js';
import type { Prompter } from '../output/prompter.js';
import { createReporter, openReporter, type Reporter } from '../output/reporter.js';
import { isTerminal } from '../output/terminal.js';

export interface GlobalOptions extends CreateOptions {
  json?: boolean;
  debug?: boolean;
}

/** CI systems set CI; there nothing is ever asked, even when a terminal is attached. */
function runsInCi(): boolean {
  const value = process.env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
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
): Promise<number> {
  const reporter = createReporter({ fancy: false, sink: options.json ? stderr() : stdout() });
  const committing = { value: false };
  const onSigint = () => {
    if (committing.value) return;
    stderr().write('\nCancelled; nothing was changed.\n');
    process.exit(EXIT.cancelled);
  };
  process.on('SIGINT', onSigint);
  try {
    const { value, exitCode } = await body(reporter, committing);
    if (options.json) writeJson(value as Record<string, unknown>);
    return exitCode;
  } catch (error) {
    const exitCode = exitCodeOf(error);
    reportError(error, options);
    if (options.json) writeJson({ ok: false, command, error: errorMessage(error), exitCode });
    // check promises 2 for every error, so CI tells "update available" from "broken".
    return command === 'check' && exitCode === EXIT.failure ? EXIT.usage : exitCode;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

export async function runCreate(directory: string | undefined, options: GlobalOptions): Promise<number> {
  const interactive = isInteractive(options);
  const reporter = await openReporter({ fancy: usesFancyOutput(options), sink: options.json ? stderr() : stdout() });
  const prompter: Prompter | undefined = interactive ? await openPrompter() : undefined;
  const stopHandlingInterrupt = exitOnInterrupt();
  try {
    const { createKernel } = await import('../commands/create.js');
    const result = await createKernel(directory, options, { prompter, reporter, uvEnv: userUvEnvironment });
    // test-run handles Ctrl-C itself: it must stop the kernel and clean up before exiting.
    stopHandlingInterrupt();
    const testRun = result.testRun && result.ok && !result.dryRun ? await (await import('../commands/test-run.js')).testRunAfterCreate(result.directory, options) : undefined;
    if (options.json) writeJson(testRun ? { ...result, ok: testRun.ok, testRun } : result);
    return !result.ok ? EXIT.failure : (testRun?.exitCode ?? EXIT.ok);
  } catch (error) {
    const exitCode = exitCodeOf(error);
    reportError(error, options);
    if (options.json) writeJson({ ok: false, command: 'create', error: errorMessage(error), exitCode });
    return exitCode;
  } finally {
    stopHandlingInterrupt();
  }
}

async function openPrompter(): Promise<Prompter> {
  const [{ intro }, { createClackPrompter }] = await Promise.all([import('@clack/prompts'), import('../output/prompter.js')]);
  intro(`create-clustera-kernel ${generatorVersion()}`);
  return createClackPrompter();
}

async function userUvEnvironment(): Promise<NodeJS.ProcessEnv> {
  const { resolveUvEnvironment } = await import('../infra/uv-env.js');
  return resolveUvEnvironment(process.env, { forbidPythonDownloads: false });
}

export function writeJson(value: CreateResult | Record<string, unknown>): void {
  stdout().write(`${JSON.stringify(value, null, 2)}\n`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function reportError(error: unknown, options: { debug?: boolean }): void {
  if (options.debug && error instanceof Error && error.stack) stderr().write(`${error.stack}\n`);
  const prefix = error instanceof CancelledError ? '' : 'error: ';
  stderr().write(`${prefix}${errorMessage(error)}\n`);
}

