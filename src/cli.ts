// Command-line wiring: parse with commander, run a command, turn its result or error into an exit code.
// Only commander and small tables load up front; each command imports what it needs when it runs (see test/e2e/lazy-loading).
import { Command, CommanderError, Option } from 'commander';
import type { CreateOptions, CreateResult } from './commands/create.js';
import { formatKinds, listKinds } from './commands/kinds.js';
import { tolerateClosedOutput } from './closed-output.js';
import { CancelledError, EXIT, exitCodeOf } from './errors.js';
import { exitOnInterrupt } from './interrupt.js';
import { KIND_NAMES } from './kinds.js';
import { generatorVersion } from './paths.js';
import type { Prompter } from './prompter.js';
import { createReporter, openReporter, type Reporter } from './reporter.js';

interface GlobalOptions extends CreateOptions {
  json?: boolean;
  debug?: boolean;
}

const CREATE_EXAMPLES = `
Examples:
  $ create-clustera-kernel my-kernel                         # asks for the rest
  $ create-clustera-kernel orders-sink --kind database --topic orders --yes
  $ create-clustera-kernel --answers kernel.json --no-install --json
  $ create-clustera-kernel kinds`;

/** CI systems set CI; there nothing is ever asked, even when a terminal is attached. */
function runsInCi(): boolean {
  const value = process.env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

function isInteractive(options: GlobalOptions): boolean {
  // Flags first: reading process.stdin.isTTY builds a stdin stream, which a run with --yes or --json never needs.
  return !options.yes && !options.json && Boolean(process.stdin.isTTY && process.stdout.isTTY) && !runsInCi();
}

function buildProgram(run: { exitCode: number }): Command {
  const program = new Command('create-clustera-kernel')
    .description('Create a Clustera kernel: a Python service that consumes one Kafka topic with at-least-once processing.')
    .version(generatorVersion())
    .argument('[directory]', 'where to create the kernel (default: the kernel name)')
    .option('--name <name>', 'kernel name, lowercase kebab-case (default: the directory name)')
    .option('--topic <topic>', 'Kafka topic to consume (default: clustera-<name>)')
    .addOption(new Option('--kind <kind>', `kind of kernel: ${KIND_NAMES.join('|')}`))
    .option('--group <group>', 'consumer group (default: <name>-group)')
    .option('-y, --yes', 'ask nothing; take the defaults for what flags do not give')
    .option('--answers <file.json>', 'read the inputs from a JSON file')
    .option('--install', 'run uv sync in the new kernel')
    .option('--no-install', 'do not run uv sync')
    .option('--git', 'git init and a first commit (the default)')
    .option('--no-git', 'no git repository')
    .option('--test-run', 'run test-run on the new kernel right after it is written and installed')
    .option('--dry-run', 'print the files that would be written and write nothing')
    .option('--json', 'print one JSON object describing the result on stdout')
    .option('--force', 'allow a non-empty directory (existing files are still never replaced)')
    .option('--debug', 'print stack traces')
    .addHelpText('after', CREATE_EXAMPLES)
    .showHelpAfterError('(run with --help for usage)')
    .enablePositionalOptions()
    .exitOverride();

  program.action(async (directory: string | undefined, options: GlobalOptions) => {
    run.exitCode = await runCreate(directory, options);
  });

  program
    .command('kinds')
    .description('list the kinds of kernel with their dependencies and environment variables')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ create-clustera-kernel kinds\n  $ create-clustera-kernel kinds --json')
    .action((options: { json?: boolean }) => {
      const listing = listKinds();
      process.stdout.write(options.json ? `${JSON.stringify(listing, null, 2)}\n` : `${formatKinds(listing)}\n`);
      run.exitCode = EXIT.ok;
    });

  registerUpdateCommands(program, run);

  // test-run loads kafkajs and the infrastructure modules only when it runs.
  program
    .command('test-run')
    .description('run a kernel end to end against Kafka: produce sample messages, wait for commits, check the effect')
    .argument('[directory]', 'the kernel directory (default: the nearest one at or above the current directory)')
    .option('--bootstrap-server <host:port>', 'Kafka broker (default: KAFKA_BOOTSTRAP_SERVERS from .env or the environment, else a local one)')
    // A default's own description keeps help from showing the string defaults in quotes.
    .addOption(new Option('--messages <n>', 'how many sample messages to produce').default('100', '100'))
    .addOption(new Option('--timeout <seconds>', 'give up when not every message is committed by then').default('120', '120'))
    .option('--topic <topic>', 'produce to this topic instead of an isolated <topic>.testrun.<id>')
    .option('--keep-topic', 'keep the test topics afterwards')
    .option('--local', 'ignore .env: local stand-ins for the kind\'s services, a local broker unless --bootstrap-server')
    .option('--json', 'print one JSON object with the result on stdout')
    .option('--debug', 'print stack traces')
    .addHelpText('after', '\nExamples:\n  $ create-clustera-kernel test-run my-kernel\n  $ create-clustera-kernel test-run --bootstrap-server localhost:9092 --messages 1000 --json')
    .action(async (directory: string | undefined, options: import('./commands/test-run.js').TestRunFlags) => {
      const { runTestRunCommand } = await import('./commands/test-run.js');
      run.exitCode = await runTestRunCommand(directory, options);
    });

  return program;
}

// update and check: their modules load only when one of them runs, so --help stays cheap.
function registerUpdateCommands(program: Command, run: { exitCode: number }): void {
  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
  program
    .command('update')
    .description('bring the current templates into a kernel, merging them with your edits')
    .argument('[dir]', 'the kernel directory (default: the nearest one at or above the current directory)')
    .option('--dry-run', 'show a unified diff of every change and write nothing')
    .option('--set <key=value>', 'change a recorded answer (name, topic, kind, group); repeatable', collect)
    .option('--force', 'update even when the git work tree has uncommitted changes')
    .option('--json', 'print one JSON object describing the result on stdout')
    .option('--debug', 'print stack traces')
    .addHelpText('after', '\nExamples:\n  $ create-clustera-kernel update\n  $ create-clustera-kernel update my-kernel --dry-run\n  $ create-clustera-kernel update --set topic=orders.v2')
    .action(async (dir: string | undefined, options: { dryRun?: boolean; set?: string[]; force?: boolean; json?: boolean; debug?: boolean }) => {
      run.exitCode = await runGuarded('update', options, async (reporter, committing) => {
        const { updateKernel } = await import('./commands/update.js');
        const result = await updateKernel(dir, options, reporter, committing);
        return { value: result, exitCode: result.ok ? EXIT.ok : EXIT.failure };
      });
    });
  program
    .command('check')
    .description('exit 0 when the kernel is on the current templates, 1 when an update is available (fast, offline: for CI)')
    .argument('[dir]', 'the kernel directory (default: the nearest one at or above the current directory)')
    .option('--json', 'print one JSON object with both versions and the files that would change')
    .option('--debug', 'print stack traces')
    .addHelpText('after', '\nExamples:\n  $ create-clustera-kernel check\n  $ npx create-clustera-kernel check --json')
    .action(async (dir: string | undefined, options: { json?: boolean; debug?: boolean }) => {
      run.exitCode = await runGuarded('check', options, async (reporter) => {
        const { checkKernel, checkPassed, formatCheck } = await import('./commands/check.js');
        const result = checkKernel(dir);
        const passed = checkPassed(result);
        if (passed) reporter.success(formatCheck(result));
        else reporter.info(formatCheck(result));
        return { value: result, exitCode: passed ? EXIT.ok : EXIT.failure };
      });
    });
}

/** Runs a non-create command: plain lines, --json on stdout, Ctrl-C → 130 unless the write is already under way. */
async function runGuarded(
  command: string,
  options: { json?: boolean; debug?: boolean },
  body: (reporter: Reporter, committing: { value: boolean }) => Promise<{ value: object; exitCode: number }>,
): Promise<number> {
  const reporter = createReporter({ fancy: false, stream: options.json ? process.stderr : process.stdout });
  const committing = { value: false };
  const onSigint = () => {
    if (committing.value) return;
    process.stderr.write('\nCancelled; nothing was changed.\n');
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

async function runCreate(directory: string | undefined, options: GlobalOptions): Promise<number> {
  const interactive = isInteractive(options);
  const reporter = await openReporter({
    fancy: Boolean(process.stdout.isTTY) && !options.json && !runsInCi(),
    stream: options.json ? process.stderr : process.stdout,
  });
  const prompter: Prompter | undefined = interactive ? await openPrompter() : undefined;
  const stopHandlingInterrupt = exitOnInterrupt();
  try {
    const { createKernel } = await import('./commands/create.js');
    const result = await createKernel(directory, options, { prompter, reporter, uvEnv: userUvEnvironment });
    // test-run handles Ctrl-C itself: it must stop the kernel and clean up before exiting.
    stopHandlingInterrupt();
    const testRun = result.testRun && result.ok && !result.dryRun ? await (await import('./commands/test-run.js')).testRunAfterCreate(result.directory, options) : undefined;
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
  const [{ intro }, { createClackPrompter }] = await Promise.all([import('@clack/prompts'), import('./prompter.js')]);
  intro(`create-clustera-kernel ${generatorVersion()}`);
  return createClackPrompter();
}

async function userUvEnvironment(): Promise<NodeJS.ProcessEnv> {
  const { resolveUvEnvironment } = await import('./infra/uv-env.js');
  return resolveUvEnvironment(process.env, { forbidPythonDownloads: false });
}

function writeJson(value: CreateResult | Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function reportError(error: unknown, options: { debug?: boolean }): void {
  if (options.debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  const prefix = error instanceof CancelledError ? '' : 'error: ';
  process.stderr.write(`${prefix}${errorMessage(error)}\n`);
}

/** The subcommand a refused command line was for: the first word, when it names one; else create. */
function commandNamed(program: Command, argv: string[]): string {
  const first = argv.slice(2).find((arg) => !arg.startsWith('-'));
  return program.commands.some((command) => command.name() === first) ? first! : 'create';
}

export async function main(argv: string[]): Promise<number> {
  tolerateClosedOutput();
  const run = { exitCode: EXIT.ok as number };
  const program = buildProgram(run);
  try {
    await program.parseAsync(argv);
    return run.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; every other commander error is a usage problem.
      if (error.exitCode === 0) return EXIT.ok;
      if (argv.includes('--json')) writeJson({ ok: false, command: commandNamed(program, argv), error: error.message.replace(/^error: /, ''), exitCode: EXIT.usage });
      return EXIT.usage;
    }
    reportError(error, { debug: argv.includes('--debug') });
    return exitCodeOf(error);
  }
}
