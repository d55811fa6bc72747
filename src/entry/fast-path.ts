// The start-up path for what CI runs most: plain help, and a create that asks nothing and runs no uv, git or test-run.
// Built as one CommonJS file (dist/fast.cjs) that Node loads without its ES module machinery; every other command line
// returns undefined before anything is done, and the full CLI (dist/cli.js) takes it from the start.
import { readAnswersFile, type AnswersFile } from '../create/answers-file.js';
import { followUpsWithoutAsking } from '../create/resolve-inputs.js';
import { parseCreateFastPath, type FastCreate } from './create-fast-path.js';
import { stdout } from '../output/direct-output.js';
import { isInteractive, runCreate, usesFancyOutput } from './command-runner.js';
import { isTerminal } from '../output/terminal.js';

/** Help as commander prints it 80 columns wide, as it does to a pipe or file; scripts/build.mjs fills it in. */
declare const PRERENDERED_HELP: string;
const HELP = typeof PRERENDERED_HELP === 'string' ? PRERENDERED_HELP : '';

// A terminal of another width gets commander's own wrapping.
function helpFitsOutput(): boolean {
  return HELP !== '' && (!isTerminal(1) || process.stdout.columns === 80);
}

/** Only what this file holds: no prompts, no fancy output, no uv, git, test-run or model generation (execa, kafkajs). */
function createNeedsNothingElse({ options }: FastCreate): boolean {
  // The flags first: most command lines are settled by them, without reading a file.
  if (
    isInteractive(options) ||
    usesFancyOutput(options) ||
    options.install === true ||
    options.git === true ||
    options.testRun === true ||
    // A schema's model is generated with uv; --dry-run only lists it.
    ((options.schema !== undefined || options.outputSchema !== undefined) && options.dryRun !== true)
  )
    return false;
  const file = answersFileOrUndefined(options.answers);
  if (!file) return false;
  const { install, git, testRun } = followUpsWithoutAsking(options, file);
  const generatesModel =
    ((file.schema !== undefined && options.schema === undefined) ||
      (file.outputSchema !== undefined && options.outputSchema === undefined)) &&
    options.dryRun !== true;
  return !install && !git && !testRun && !generatesModel;
}

/** The answers file as create will read it; undefined when it cannot be read, and the full CLI reports why. */
function answersFileOrUndefined(path: string | undefined): AnswersFile | undefined {
  if (path === undefined) return {};
  try {
    return readAnswersFile(path);
  } catch {
    return undefined;
  }
}

/** The exit code of a command line this path runs, or undefined for the full CLI to run it. */
export async function fastMain(argv: string[]): Promise<number | undefined> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h') && helpFitsOutput()) {
    stdout().write(HELP);
    return 0;
  }
  const create = parseCreateFastPath(args);
  if (!create || !createNeedsNothingElse(create)) return undefined;
  // Pinned as flags, which win over the file: create runs what was decided here even if the file changes meanwhile.
  return runCreate(create.directory, { ...create.options, install: false, git: false, testRun: false });
}
