// create: answers → plan → disk, then the optional install and first commit.
import { relative } from 'node:path';
import type { Answers } from '../create/answers.js';
import { readAnswersFile, type AnswersFile } from '../create/answers-file.js';
import { FailureError } from '../errors.js';
import { setResumeHint } from '../output/interrupt.js';
import type { ProcessRun } from '../create/run-process.js';
import { BASE_ENV, findKind } from '../kinds.js';
import { withManifest } from '../render/manifest.js';
import { generatorVersion } from '../paths.js';
import { renderPlan, type Plan, type PlannedFile } from '../render/plan.js';
import { localRuntimeSource } from '../render/runtime-dependency.js';
import { generateModelCommand } from '../create/generate-model-command.js';
import type { SchemaSource } from '../create/schema-file.js';
import { ANSWER_MODEL_PATH, MODEL_PATH, SAMPLES_PATH } from '../schema-formats.js';
import type { Prompter } from '../output/prompter.js';
import type { Reporter } from '../output/reporter.js';
import type { CreateFlagValues } from '../create/create-flags.js';
import { resolveCreateInputs } from '../create/resolve-inputs.js';
import { assertTargetWritable } from '../create/target.js';
import { drawTree } from '../output/tree.js';
import { topicWarning } from '../create/validate.js';
import { writePlan } from '../create/write.js';

/** Every create flag; src/create/create-flags.ts declares them. */
export type CreateOptions = CreateFlagValues;

export interface CreateIo {
  prompter?: Prompter;
  reporter: Reporter;
  uvEnv: () => Promise<NodeJS.ProcessEnv>;
}

export interface CreateResult {
  ok: boolean;
  command: 'create';
  directory: string;
  answers: Answers;
  dryRun: boolean;
  files: string[];
  commands: ProcessRun[];
  /** With --dry-run, the commands a real run would run. */
  plannedCommands?: string[];
  /** Whether test-run follows (asked, or --test-run). */
  testRun: boolean;
  warnings: string[];
}

export async function createKernel(
  directoryArg: string | undefined,
  options: CreateOptions,
  io: CreateIo,
): Promise<CreateResult> {
  const file: AnswersFile = options.answers ? readAnswersFile(options.answers) : {};
  const inputs = await resolveCreateInputs(directoryArg, options, file, io.prompter);
  const { reporter } = io;
  const warnings = [topicWarning(inputs.answers.topic)].filter((w): w is string => w !== undefined);
  for (const warning of warnings) reporter.warn(warning);
  if (inputs.defaulted.length > 0) reporter.info(`Using defaults: ${inputs.defaulted.join(', ')}`);

  const plan = withManifest(renderPlan(inputs.answers, generatorVersion()));
  const state = assertTargetWritable(plan, inputs.targetDir, options.force === true);
  const { schemaSource, outputSchemaSource } = inputs;
  const schemaSources = [schemaSource, outputSchemaSource].filter((s): s is SchemaSource => s !== undefined);
  const result: CreateResult = {
    ok: true,
    command: 'create',
    directory: inputs.targetDir,
    answers: inputs.answers,
    dryRun: options.dryRun === true,
    files: [
      ...plan.files.map((f) => f.path),
      ...(schemaSource ? [schemaSource.kernelPath, MODEL_PATH, SAMPLES_PATH] : []),
      ...(outputSchemaSource ? [outputSchemaSource.kernelPath, ANSWER_MODEL_PATH] : []),
    ],
    commands: [],
    testRun: inputs.testRun,
    warnings,
  };

  if (options.dryRun) {
    result.plannedCommands = [
      ...(schemaSources.length > 0 ? [generateModelCommand(schemaSources)] : []),
      ...plannedCommands(inputs.install, inputs.git, inputs.testRun),
    ];
    const commands =
      result.plannedCommands.length > 0 ? result.plannedCommands.map((c) => `  ${c}`).join('\n') : '  (none)';
    reporter.info(
      `Dry run: these ${result.files.length} files would be written (nothing was):\n${drawTree(inputs.targetDir, result.files)}`,
    );
    reporter.info(`and these commands would run in ${shellPath(inputs.targetDir)}:\n${commands}`);
    return result;
  }

  // The model is generated before anything is written, so a schema the generator refuses leaves nothing behind.
  const kernelOwned =
    schemaSources.length > 0 ? await generateKernelModel(plan, schemaSource, outputSchemaSource, io, result) : [];
  try {
    writePlan({ ...plan, files: [...plan.files, ...kernelOwned] }, inputs.targetDir, state);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new FailureError(`Could not write the kernel into ${inputs.targetDir} (${reason}); nothing was written.`);
  }
  reporter.success(
    `Created ${inputs.answers.kind} kernel "${inputs.answers.name}" in ${inputs.targetDir} (${result.files.length} files).`,
  );

  if (inputs.install) {
    // execa loads only when a command is actually run.
    const { installKernel } = await import('../create/install.js');
    setResumeHint(`The kernel is kept; to install its dependencies: cd ${shellPath(inputs.targetDir)} && uv sync`);
    const run = await reporter.task(
      'Installing dependencies with uv sync',
      async () => installKernel(inputs.targetDir, await io.uvEnv()),
      (r) => (r.ok ? 'Dependencies installed.' : 'uv sync failed.'),
    );
    setResumeHint(undefined);
    result.commands.push(run);
    if (!run.ok) {
      result.ok = false;
      reporter.warn(
        `${run.outputTail ?? ''}\nThe kernel is kept. Retry with: cd ${shellPath(inputs.targetDir)} && uv sync`,
      );
    }
  }

  if (inputs.git) {
    // execa loads only when git actually runs.
    const { baseRefName, recordBaseRef } = await import('../git.js');
    await commitKernel(inputs.targetDir, inputs.answers.name, result, reporter);
    // The pristine render, kept outside every branch, is what a later `update` merges against.
    await recordBaseRef(
      inputs.targetDir,
      baseRefName(inputs.answers.name),
      plan.files,
      `Pristine render of ${inputs.answers.name}`,
    );
  }

  reporter.info(nextSteps(inputs.targetDir, inputs.answers, inputs.install && result.ok));
  return result;
}

async function generateKernelModel(
  plan: Plan,
  source: SchemaSource | undefined,
  answerSource: SchemaSource | undefined,
  io: CreateIo,
  result: CreateResult,
): Promise<PlannedFile[]> {
  const { generateModel } = await import('../create/generate-model.js');
  const models = [
    ...(source ? [{ model: MODEL_PATH, what: 'payload', from: source.kernelPath }] : []),
    ...(answerSource ? [{ model: ANSWER_MODEL_PATH, what: 'answer', from: answerSource.kernelPath }] : []),
  ];
  const files = await io.reporter.task(
    `Generating the ${models.map((m) => `${m.what} model from ${m.from}`).join(' and the ')}`,
    async () => generateModel(plan, source, await io.uvEnv(), answerSource),
    () => `Generated ${models.map((m) => `${m.model} from ${m.from}`).join(' and ')}.`,
  );
  result.commands.push({
    command: generateModelCommand([source, answerSource].filter((s): s is SchemaSource => s !== undefined)),
    cwd: '(a temporary directory)',
    ok: true,
    exitCode: 0,
  });
  return files;
}

async function commitKernel(targetDir: string, name: string, result: CreateResult, reporter: Reporter): Promise<void> {
  const { initGitRepository, isInsideWorkTree } = await import('../git.js');
  // A kernel inside a monorepo belongs to that repository's history, not a nested one.
  if (await isInsideWorkTree(targetDir)) {
    reporter.info('Inside an existing git work tree: not running git init.');
    return;
  }
  const runs = await initGitRepository(targetDir, `Create ${name} kernel with create-clustera-kernel`);
  result.commands.push(...runs);
  const failed = runs.find((run) => !run.ok);
  if (failed) reporter.warn(`git failed (${failed.command}); the kernel is kept without a first commit.`);
  else reporter.success('Initialised a git repository with a first commit.');
}

function shellPath(dir: string): string {
  const rel = relative(process.cwd(), dir) || '.';
  return /^[A-Za-z0-9._/-]+$/.test(rel) ? rel : `'${rel.replace(/'/g, `'\\''`)}'`;
}

function plannedCommands(install: boolean, git: boolean, testRun: boolean): string[] {
  return [
    ...(install ? ['uv sync'] : []),
    ...(git ? ['git init', 'git add --all', 'git commit'] : []),
    ...(testRun ? ['create-clustera-kernel test-run'] : []),
  ];
}

function nextSteps(targetDir: string, answers: Answers, installed: boolean): string {
  const required = [...BASE_ENV, ...(findKind(answers.kind)?.env ?? [])].filter((v) => v.required).map((v) => v.name);
  // A kernel made from a clone installs the runtime from the clone's folder, which an image build cannot see.
  const fromClone = answers.pythonIndex === undefined && localRuntimeSource() !== undefined;
  const steps = [`cd ${shellPath(targetDir)}`, `cp .env.template .env   # then set ${required.join(', ')}`];
  if (!installed) steps.push('uv sync');
  steps.push(
    'uv run pytest',
    'uv run python main.py',
    fromClone
      ? 'docker compose up --build   # once the runtime comes from a package index: README.md, The runtime'
      : 'docker compose up --build   # Kafka and the kernel together, in containers',
  );
  return `Next steps:\n${steps.map((s) => `  ${s}`).join('\n')}`;
}
