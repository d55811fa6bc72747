// The full command line through commander: every subcommand, help, version and usage errors.
import { Command, CommanderError } from 'commander';
import { formatKinds, listKinds } from '../commands/kinds.js';
import { EXIT, exitCodeOf } from '../errors.js';
import { generatorVersion } from '../paths.js';
import { addCreateFlags } from './commander-create-flags.js';
import { addTestRunFlags } from './commander-test-run-flags.js';
import { CREATE_FLAGS, type CreateFlag } from '../create/create-flags.js';
import { TEST_RUN_FLAGS, type TestRunFlag, type TestRunFlags } from '../test-run/test-run-flags.js';
import { stdout } from '../output/direct-output.js';
import { commandFailure, writeJson } from '../output/json-output.js';
import { reportError } from '../output/report-error.js';
import { runCreate, runGuarded, type GlobalOptions } from './command-runner.js';

const CREATE_EXAMPLES = `
Examples:
  $ create-clustera-kernel my-kernel                         # asks for the rest
  $ create-clustera-kernel orders-sink --kind database --topic orders --yes
  $ create-clustera-kernel --answers kernel.json --no-install --json
  $ create-clustera-kernel kinds`;

/** `create` runs the create command; tests pass one that records what commander parsed, and flag tables of their own. */
export function buildProgram(
  run: { exitCode: number },
  create: (directory: string | undefined, options: GlobalOptions) => Promise<number> = runCreate,
  flags: readonly CreateFlag[] = CREATE_FLAGS,
  testRunFlags: readonly TestRunFlag[] = TEST_RUN_FLAGS,
): Command {
  const program = new Command('create-clustera-kernel')
    .description(
      'Create a Clustera kernel: a Python service that consumes one Kafka topic with at-least-once processing.',
    )
    .version(generatorVersion())
    .argument('[directory]', 'where to create the kernel (default: the kernel name)');
  addCreateFlags(program, flags)
    .addHelpText('after', CREATE_EXAMPLES)
    .showHelpAfterError('(run with --help for usage)')
    // Commander leaves out `help [command]` when the program itself takes an argument; without it, `help` would name a kernel.
    .helpCommand(true)
    .enablePositionalOptions()
    .exitOverride();

  program.action(async (directory: string | undefined, options: GlobalOptions) => {
    run.exitCode = await create(directory, options);
  });

  program
    .command('kinds')
    .description('list the kinds of kernel with their dependencies and environment variables')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ create-clustera-kernel kinds\n  $ create-clustera-kernel kinds --json')
    .action((options: { json?: boolean }) => {
      const listing = listKinds();
      if (options.json) writeJson(listing);
      else stdout().write(`${formatKinds(listing)}\n`);
      run.exitCode = EXIT.ok;
    });

  registerUpdateCommands(program, run);
  registerListCommand(program, run);
  registerContractsCommand(program, run);

  // test-run loads kafkajs and the infrastructure modules only when it runs.
  const testRun = program
    .command('test-run')
    .description('run a kernel end to end against Kafka: produce sample messages, wait for commits, check the effect')
    .argument('[directory]', 'the kernel directory (default: the nearest one at or above the current directory)');
  addTestRunFlags(testRun, testRunFlags)
    .addHelpText(
      'after',
      '\nExamples:\n  $ create-clustera-kernel test-run my-kernel\n  $ create-clustera-kernel test-run --bootstrap-server localhost:9092 --messages 1000 --json',
    )
    .action(async (directory: string | undefined, options: TestRunFlags) => {
      const { runTestRunCommand } = await import('../commands/test-run.js');
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
    .argument(
      '[dir]',
      'the kernel directory (default: the nearest one at or above the current directory); with --all, where to look',
    )
    .option(
      '--all',
      'update every kernel under dir (default: the git work tree); a failing kernel does not stop the rest',
    )
    .option('--dry-run', 'show a unified diff of every change and write nothing')
    .option(
      '--set <key=value>',
      'change a recorded answer (name, topic, kind, group, python-index: empty for none), or give the kernel a schema: schema=<file>; repeatable',
      collect,
    )
    .option('--force', 'update even when the git work tree has uncommitted changes')
    .option('--json', 'print one JSON object describing the result on stdout')
    .option('--debug', 'print stack traces')
    .addHelpText(
      'after',
      '\nExamples:\n  $ create-clustera-kernel update\n  $ create-clustera-kernel update my-kernel --dry-run\n  $ create-clustera-kernel update --set topic=orders.v2\n  $ create-clustera-kernel update --all',
    )
    .action(
      async (
        dir: string | undefined,
        options: { all?: boolean; dryRun?: boolean; set?: string[]; force?: boolean; json?: boolean; debug?: boolean },
      ) => {
        if (options.all) {
          run.exitCode = await runUpdateAll(dir, options);
          return;
        }
        run.exitCode = await runGuarded('update', options, async (reporter, committing) => {
          const { updateKernel } = await import('../commands/update.js');
          const result = await updateKernel(dir, options, reporter, committing);
          return { value: result, exitCode: result.ok ? EXIT.ok : EXIT.failure };
        });
      },
    );
  program
    .command('check')
    .description(
      'exit 0 when the kernel is on the current templates, 1 when an update is available (fast, offline: for CI)',
    )
    .argument(
      '[dir]',
      'the kernel directory (default: the nearest one at or above the current directory); with --all, where to look',
    )
    .option('--all', 'check every kernel under dir (default: the git work tree) and exit with the worst result')
    .option('--json', 'print one JSON object with both versions and the files that would change')
    .option('--debug', 'print stack traces')
    .addHelpText(
      'after',
      '\nExamples:\n  $ create-clustera-kernel check\n  $ npx create-clustera-kernel check --json\n  $ npx create-clustera-kernel check --all',
    )
    .action(async (dir: string | undefined, options: { all?: boolean; json?: boolean; debug?: boolean }) => {
      if (options.all) {
        run.exitCode = await runCheckAll(dir, options);
        return;
      }
      run.exitCode = await runGuarded('check', options, async (reporter) => {
        const { checkKernel, checkPassed, formatCheck } = await import('../commands/check.js');
        const result = checkKernel(dir);
        const passed = checkPassed(result);
        if (passed) reporter.success(formatCheck(result));
        else reporter.info(formatCheck(result));
        return { value: result, exitCode: passed ? EXIT.ok : EXIT.failure };
      });
    });
}

// list, check --all and update --all: every kernel under a directory, one table, one exit code.
function registerListCommand(program: Command, run: { exitCode: number }): void {
  program
    .command('list')
    .description('list every kernel under a directory with its answers, version and whether an update is available')
    .argument('[root]', 'where to look (default: the git work tree, else the current directory)')
    .option('--json', 'print one JSON object with an entry per kernel')
    .option('--debug', 'print stack traces')
    .addHelpText(
      'after',
      '\nExamples:\n  $ create-clustera-kernel list\n  $ create-clustera-kernel list services --json',
    )
    .action(async (root: string | undefined, options: { json?: boolean; debug?: boolean }) => {
      run.exitCode = await runGuarded('list', options, async (reporter) => {
        const { listKernels, formatList } = await import('../commands/list.js');
        const result = await listKernels(root);
        // The table is the result: --json carries it instead of repeating it on stderr.
        if (!options.json) reporter.info(formatList(result));
        return { value: result, exitCode: EXIT.ok };
      });
    });
}

const CONTRACTS_HELP = `
For every topic one kernel here produces and another consumes: OUTPUT_TOPIC (its values described by the
manifest's outputSchema) and DLQ_TOPIC (dead-lettered values are the kernel's own input values, so its input
schema; an empty DLQ_TOPIC means no DLQ, as in the runtime), each as the kernel's topics.toml names it (the
\`topic\` of [output] and [dlq]), else as its .env.template sets it. Both sides need a schema; a pair where one has
none is listed, not checked. 256 instances per pair come from the producer's schema, seeded (--seed replays
them): a quarter with no optional field, a quarter with all, half with each at even odds.
  JSON Schema (draft 07, 2020-12): json-schema-faker generates, ajv (with ajv-formats) validates.
  Avro: values drawn from avsc's parsed type; the consumer must accept each (avsc isValid) and encode it to
  the same bytes, since kernels decode Avro with their own schema.
  An Avro producer with a JSON Schema consumer, or the reverse, is incompatible.
Also lists consumers whose topic no kernel here produces and outputs no kernel here reads.
Exit codes: 0 every checked pair compatible; 1 an incompatible pair (its first failing instance and field
are shown); 2 a schema or manifest that cannot be read, or a bad root.

Examples:
  $ create-clustera-kernel contracts
  $ create-clustera-kernel contracts services --json
  $ create-clustera-kernel contracts --seed 7`;

// contracts loads its schema libraries (ajv, json-schema-faker, avsc) only when it runs.
function registerContractsCommand(program: Command, run: { exitCode: number }): void {
  program
    .command('contracts')
    .description('check that every kernel here accepts what the kernels feeding its topic may send (by their schemas)')
    .argument('[root]', 'where to look (default: the git work tree, else the current directory)')
    .option('--seed <n>', 'seed of the generated instances (default: 1)')
    .option('--json', 'print one JSON object with an entry per pair')
    .option('--debug', 'print stack traces')
    .addHelpText('after', CONTRACTS_HELP)
    .action(async (root: string | undefined, options: { seed?: string; json?: boolean; debug?: boolean }) => {
      run.exitCode = await runGuarded('contracts', options, async (reporter) => {
        const { checkContracts, formatContracts } = await import('../commands/contracts.js');
        const result = await checkContracts(root, options.seed);
        // The table is the result: --json carries it instead of repeating it on stderr.
        if (!options.json) reporter.info(formatContracts(result));
        return { value: result, exitCode: result.exitCode };
      });
    });
}

function runCheckAll(root: string | undefined, options: { json?: boolean; debug?: boolean }): Promise<number> {
  return runGuarded('check', options, async (reporter) => {
    const { checkAllKernels, formatCheckAll } = await import('../commands/check-all.js');
    const result = await checkAllKernels(root);
    if (result.ok) reporter.success(formatCheckAll(result));
    else reporter.info(formatCheckAll(result));
    return { value: result, exitCode: result.exitCode };
  });
}

async function runUpdateAll(
  root: string | undefined,
  options: { dryRun?: boolean; set?: string[]; force?: boolean; json?: boolean; debug?: boolean },
): Promise<number> {
  const { cancelledLine, reportUpdateAll, updateAllKernels } = await import('../commands/update-all.js');
  const progress = { updated: [] as string[] };
  return runGuarded(
    'update',
    options,
    async (reporter, committing) => {
      const result = await updateAllKernels(root, options, reporter, committing, progress);
      reportUpdateAll(result, reporter);
      return { value: result, exitCode: result.exitCode };
    },
    () => cancelledLine(progress),
  );
}

/** The subcommand a refused command line was for: the first word, when it names one; else create. */
function commandNamed(program: Command, argv: string[]): string {
  const first = argv.slice(2).find((arg) => !arg.startsWith('-'));
  return program.commands.some((command) => command.name() === first) ? first! : 'create';
}

/** Parses and runs `argv`; resolves with the exit code. */
export async function runWithCommander(argv: string[]): Promise<number> {
  const run = { exitCode: EXIT.ok as number };
  const program = buildProgram(run);
  try {
    await program.parseAsync(argv);
    return run.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; every other commander error is a usage problem.
      if (error.exitCode === 0) return EXIT.ok;
      if (argv.includes('--json'))
        writeJson(commandFailure(commandNamed(program, argv), error.message.replace(/^error: /, ''), EXIT.usage));
      return EXIT.usage;
    }
    reportError(error, { debug: argv.includes('--debug') });
    return exitCodeOf(error);
  }
}
