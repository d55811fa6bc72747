// Every create input is resolved the same way: flag → answers file → prompt (when interactive) → default.
import { basename, resolve } from 'node:path';
import type { Answers, GivenInputs } from './answers.js';
import { UsageError } from '../errors.js';
import { defaultGroupFor, defaultTopicFor } from '../facts.js';
import { KINDS, type KindName } from '../kinds.js';
import type { Prompter } from '../output/prompter.js';
import { readSchemaFile, type SchemaSource } from './schema-file.js';
import { unusableTargetProblem } from './target.js';
import {
  validateDirectory,
  validateGroup,
  validateKind,
  validateName,
  validatePythonIndex,
  validateTopic,
} from './validate.js';

/** The directory comes as an argument, not a flag. */
export interface CreateFlags extends Omit<GivenInputs, 'directory'> {
  yes?: boolean;
  /** A non-empty target is allowed; without it one is refused (or asked again) at the directory question. */
  force?: boolean;
}

/** The commands that follow the write. */
export interface FollowUps {
  install: boolean;
  git: boolean;
  /** Run test-run on the new kernel once it is written and installed. */
  testRun: boolean;
}

export interface CreateInputs extends FollowUps {
  /** Absolute path of the kernel's directory. */
  targetDir: string;
  answers: Answers;
  /** The schema file given by --schema, the answers file or the question; its kernel path is `answers.schema`. */
  schemaSource?: SchemaSource;
  /** The ai kind's answer schema (--output-schema); its kernel path is `answers.outputSchema`. */
  outputSchemaSource?: SchemaSource;
  /** Values taken by default rather than asked, so `--yes` can say what it chose. */
  defaulted: string[];
}

/** The follow-ups when nobody is asked, as resolveCreateInputs decides them: a flag, else the answers file, else the default. */
export function followUpsWithoutAsking(flags: CreateFlags, file: GivenInputs): FollowUps {
  return {
    install: flags.install ?? file.install ?? flags.yes === true,
    git: flags.git ?? file.git ?? true,
    testRun: flags.testRun ?? file.testRun ?? false,
  };
}

/** Offered when nothing names the kernel yet, so pressing Enter never means "here". */
const DEFAULT_DIRECTORY = 'my-kernel';

interface ResolveContext {
  prompter?: Prompter;
  yes: boolean;
  defaulted: string[];
}

interface ValueSpec {
  label: string;
  flag: string;
  given: string | undefined;
  fallback: string | undefined;
  /** Whether the fallback may be taken without --yes when nobody can be asked. */
  fallbackWithoutYes: boolean;
  /** A valid fallback is taken without asking even in a terminal (a name the directory already gives). */
  fallbackBeforeAsking?: boolean;
  validate: (value: string) => string | undefined;
  ask: (prompter: Prompter, fallback: string | undefined) => Promise<string>;
}

async function resolveValue(spec: ValueSpec, context: ResolveContext): Promise<string> {
  if (spec.given !== undefined) return checked(spec, spec.given);
  if (context.prompter && spec.fallbackBeforeAsking && spec.fallback !== undefined && !spec.validate(spec.fallback)) {
    context.defaulted.push(`${spec.label}: ${spec.fallback}`);
    return spec.fallback;
  }
  // Answers are checked again: an accepted default is a value like any other.
  if (context.prompter) return checked(spec, await spec.ask(context.prompter, spec.fallback));
  if (spec.fallback !== undefined && (context.yes || spec.fallbackWithoutYes)) {
    context.defaulted.push(`${spec.label}: ${spec.fallback}`);
    return checked(spec, spec.fallback, ` Pass ${spec.flag} to choose another.`);
  }
  throw new UsageError(`Missing ${spec.label}: pass ${spec.flag}${spec.fallback === undefined ? '' : ' or --yes'}.`);
}

function checked(spec: ValueSpec, value: string, hint = ''): string {
  const problem = spec.validate(value);
  if (problem) throw new UsageError(`${problem}${hint}`);
  return value;
}

function askText(message: string, validate: (value: string) => string | undefined) {
  return (prompter: Prompter, fallback: string | undefined) =>
    prompter.text({ message, defaultValue: fallback ?? '', validate });
}

function nameFromDirectory(directory: string | undefined): string | undefined {
  return directory === undefined ? undefined : basename(resolve(directory));
}

export async function resolveCreateInputs(
  directoryArg: string | undefined,
  flags: CreateFlags,
  file: GivenInputs,
  prompter: Prompter | undefined,
): Promise<CreateInputs> {
  const context: ResolveContext = { prompter, yes: flags.yes === true, defaulted: [] };
  // Never asked, so checked before any question: a refused URL costs nobody their answers.
  const pythonIndex = resolvePythonIndex(flags.pythonIndex ?? file.pythonIndex);
  const givenName = flags.name ?? file.name;

  // A name alone is enough: the kernel goes into a directory of that name.
  const directory = await resolveDirectory(directoryArg ?? file.directory ?? givenName, context, flags.force === true);

  const name = await resolveValue(
    {
      label: 'kernel name',
      flag: '--name',
      given: givenName,
      fallback: nameFromDirectory(directory),
      fallbackWithoutYes: true,
      fallbackBeforeAsking: true,
      validate: validateName,
      ask: askText('Kernel name (lowercase kebab-case)', validateName),
    },
    context,
  );

  const topic = await resolveValue(
    {
      label: 'topic',
      flag: '--topic',
      given: flags.topic ?? file.topic,
      fallback: defaultTopicFor(name),
      fallbackWithoutYes: true,
      validate: validateTopic,
      ask: askText('Kafka topic to consume', validateTopic),
    },
    context,
  );

  const kind = await resolveValue(
    {
      label: 'kind',
      flag: '--kind',
      given: flags.kind ?? file.kind,
      fallback: 'basic',
      fallbackWithoutYes: false,
      validate: validateKind,
      ask: (p, fallback) =>
        p.select({
          message: 'What kind of kernel?',
          choices: KINDS.map((k) => ({ value: k.name, label: k.label, hint: k.description })),
          initialValue: fallback ?? 'basic',
        }),
    },
    context,
  );

  // The group is never asked: the seed's convention is right for nearly everyone.
  const givenGroup = flags.group ?? file.group;
  const group = givenGroup ?? defaultGroupFor(name);
  const groupProblem = validateGroup(group);
  if (groupProblem) throw new UsageError(groupProblem);

  const schemaSource = await resolveSchema(flags.schema ?? file.schema, context);
  const outputSchemaSource = await resolveOutputSchema(
    flags.outputSchema ?? file.outputSchema,
    kind as KindName,
    schemaSource,
    context,
  );

  const install = await resolveInstall(flags.install ?? file.install, context);
  const testRun = await resolveTestRun(flags.testRun ?? file.testRun, install, context);
  const git = flags.git ?? file.git ?? true;

  return {
    targetDir: resolve(directory),
    answers: {
      name,
      topic,
      kind: kind as KindName,
      group,
      ...(schemaSource ? { schema: schemaSource.kernelPath } : {}),
      ...(outputSchemaSource ? { outputSchema: outputSchemaSource.kernelPath } : {}),
      ...(pythonIndex === undefined ? {} : { pythonIndex }),
    },
    ...(schemaSource ? { schemaSource } : {}),
    ...(outputSchemaSource ? { outputSchemaSource } : {}),
    install,
    git,
    testRun,
    defaulted: context.defaulted,
  };
}

/** The package index of --python-index or the answers file; empty means none (uv's default index, or a clone's runtime/). */
export function resolvePythonIndex(given: string | undefined): string | undefined {
  if (given === undefined || given === '') return undefined;
  const problem = validatePythonIndex(given);
  if (problem) throw new UsageError(problem);
  return given;
}

/** The directory is checked when it is named, so a taken one is asked again before any other question. */
async function resolveDirectory(given: string | undefined, context: ResolveContext, force: boolean): Promise<string> {
  const problemOf = (value: string) =>
    validateDirectory(value) ?? (force ? undefined : unusableTargetProblem(resolve(value)));
  const spec: ValueSpec = {
    label: 'target directory',
    flag: 'a directory argument or --name',
    given,
    fallback: DEFAULT_DIRECTORY,
    fallbackWithoutYes: false,
    validate: problemOf,
    ask: (prompter) =>
      prompter.text({
        message: 'Where should the kernel be created?',
        defaultValue: DEFAULT_DIRECTORY,
        validate: problemOf,
      }),
  };
  const takenProblem = given !== undefined && validateDirectory(given) === undefined ? problemOf(given) : undefined;
  if (takenProblem && context.prompter) {
    const message = `${takenProblem.replace(/; choose another.*$/, '.')} Where should the kernel be created instead?`;
    return checked(
      spec,
      await context.prompter.text({ message, defaultValue: DEFAULT_DIRECTORY, validate: problemOf }),
    );
  }
  return resolveValue(spec, context);
}

// Asked only in a terminal, empty meaning none: most kernels start untyped, and --yes never invents a schema.
async function resolveSchema(given: string | undefined, context: ResolveContext): Promise<SchemaSource | undefined> {
  if (given !== undefined) return given === '' ? undefined : readSchemaFile(given);
  if (!context.prompter) return undefined;
  return askSchemaFile(context.prompter, 'Schema of the messages (a JSON Schema or Avro file; empty for none)');
}

// Only an ai kernel publishes answers, so only it is asked; typed answers do not need typed messages.
async function resolveOutputSchema(
  given: string | undefined,
  kind: KindName,
  input: SchemaSource | undefined,
  context: ResolveContext,
): Promise<SchemaSource | undefined> {
  if (given !== undefined && given !== '') {
    if (kind !== 'ai')
      throw new UsageError(
        '--output-schema is for ai kernels (it types what they publish); drop it or pass --kind ai.',
      );
    return distinctFrom(input, readSchemaFile(given));
  }
  if (given !== undefined || !context.prompter || kind !== 'ai') return undefined;
  const message = 'Schema of the answers published to OUTPUT_TOPIC (a JSON Schema or Avro file; empty for none)';
  const source = await askSchemaFile(
    context.prompter,
    message,
    refusal((path) => distinctFrom(input, readSchemaFile(path))),
  );
  return source && distinctFrom(input, source);
}

async function askSchemaFile(
  prompter: Prompter,
  message: string,
  validate: (value: string) => string | undefined = refusal(readSchemaFile),
): Promise<SchemaSource | undefined> {
  const answer = await prompter.text({ message, defaultValue: '', validate });
  return answer.trim() === '' ? undefined : readSchemaFile(answer.trim());
}

/** A question's check: why `read` refuses the answer, or nothing (an empty answer means none). */
function refusal(read: (path: string) => unknown): (value: string) => string | undefined {
  return (value) => {
    if (value.trim() === '') return undefined;
    try {
      read(value.trim());
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
}

/** Both files live under schemas/, so two of the same name would overwrite each other. */
function distinctFrom(input: SchemaSource | undefined, output: SchemaSource): SchemaSource {
  if (output.kernelPath === input?.kernelPath)
    throw new UsageError(
      `The message schema and the output schema would both be ${input.kernelPath}; rename one of the files.`,
    );
  return output;
}

async function resolveInstall(given: boolean | undefined, context: ResolveContext): Promise<boolean> {
  if (given !== undefined) return given;
  if (context.prompter)
    return context.prompter.confirm({ message: 'Install dependencies now (uv sync)?', initialValue: true });
  if (context.yes) context.defaulted.push('install: yes');
  return context.yes;
}

// Asked only after an install: a test-run needs the kernel's dependencies, and it is never the default.
async function resolveTestRun(given: boolean | undefined, install: boolean, context: ResolveContext): Promise<boolean> {
  if (given !== undefined) return given;
  if (context.prompter && install) {
    return context.prompter.confirm({
      message: 'Test-run it now against a Kafka broker (a local one when none is configured)?',
      initialValue: false,
    });
  }
  return false;
}
