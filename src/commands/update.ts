// update: old render + the user's files + a new render → merged files, written all or nothing, and a new manifest.
import { join } from 'node:path';
import { FailureError, UsageError } from '../errors.js';
import { baseRefName, isInsideWorkTree, recordBaseRef } from '../git.js';
import { applyChanges, recoverInterruptedUpdate, type FileChange } from '../update/update-transaction.js';
import { CONFLICT_LABELS } from '../update/merge.js';
import { unifiedDiff } from '../update/unified-diff.js';
import { MANIFEST_PATH, withManifest, type Manifest } from '../render/manifest.js';
import { generatorVersion } from '../paths.js';
import { renderPlan, type Plan } from '../render/plan.js';
import type { Reporter } from '../output/reporter.js';
import { filesWithConflictMarkers } from '../update/conflict-markers.js';
import {
  changesDisk,
  decideFiles,
  NEW_TEMPLATE_SUFFIX,
  pathsNeedingBase,
  type FileDecision,
  type Outcome,
} from '../update/decide-files.js';
import { readDiskFiles, type DiskFile } from '../update/disk-files.js';
import { refuseUncommittedChanges } from '../update/uncommitted-changes.js';
import { refusePathsOutsideKernel } from '../update/kernel-boundary.js';
import { loadKernel, recordedAnswers, resolveAnswers } from '../update/load-kernel.js';
import { beside, refuseOccupiedNewTemplates } from '../update/new-template-beside.js';
import { readText } from '../update/text-or-binary.js';
import { refuseRuntimeEdits } from '../update/vendored-runtime.js';
import { LOCK_COMMAND, type LockRefresh, lockNeedsRefresh, refreshLock } from '../update/lock-refresh.js';
import { withLineEnding } from '../update/line-endings.js';
import { reconstructBase, type BaseSource } from '../update/reconstruct-base.js';
import { takeSchemaSet, withGeneratedFiles } from '../update/schema-switch.js';
import { readSchemaFile, type SchemaSource } from '../create/schema-file.js';
import type { PlannedFile } from '../render/plan.js';
import { MODEL_PATH, REGENERATE_MODEL_COMMAND } from '../schema-formats.js';
import {
  formatReleaseNotes,
  migrationWarnings,
  readReleaseNotes,
  type ReleaseNotes,
} from '../release-notes/changelog.js';

export interface UpdateOptions {
  dryRun?: boolean;
  force?: boolean;
  set?: string[];
  /** update --all looked at the whole repository for uncommitted changes once, before any kernel. */
  repositoryChecked?: boolean;
  /** update --all prints the release notes once, for every kernel. */
  printReleaseNotes?: boolean;
}

export interface UpdateResult {
  ok: boolean;
  command: 'update';
  directory: string;
  from: string;
  to: string;
  dryRun: boolean;
  recovered: boolean;
  files: {
    path: string;
    outcome: Outcome;
    conflicts: number;
    twoWay: boolean;
    baseSource?: BaseSource;
    newTemplate?: string;
  }[];
  conflicted: string[];
  /** Files not UTF-8, left byte for byte, with the new render beside each. */
  notUtf8: string[];
  diffs?: Record<string, string>;
  /** CHANGELOG.md's entries after `from` up to `to`, oldest first. */
  releaseNotes: ReleaseNotes[];
  /** `uv lock`, run when the update changed pyproject.toml in a kernel that keeps a uv.lock. */
  lock?: LockRefresh;
}

const LISTED: Outcome[] = ['updated', 'merged', 'conflicted', 'added', 'removed', 'kept', 'left-deleted', 'not-utf8'];
const NOTES: Partial<Record<Outcome, string>> = {
  kept: ' (no longer in the template; kept because you changed it)',
  'left-deleted': ' (you deleted it; left deleted)',
};

// Merging over conflict blocks would nest them; they are resolved first, as git refuses to merge over them.
function refuseUnresolvedConflicts(disk: Map<string, DiskFile>, force: boolean, reporter: Reporter): void {
  const conflicted = filesWithConflictMarkers(disk);
  if (conflicted.length === 0) return;
  if (!force)
    throw new UsageError(
      `Resolve the conflict blocks (<<<<<<< … >>>>>>>) left in ${conflicted.join(', ')} first, or pass --force.`,
    );
  reporter.warn(`Updating over unresolved conflict blocks (--force) in ${conflicted.join(', ')}.`);
}

function summaryLine(decision: FileDecision): string {
  const conflicts =
    decision.conflicts > 0
      ? ` (${decision.conflicts} conflict${decision.conflicts === 1 ? '' : 's'}${decision.twoWay ? '; no exact old render, every difference marked' : ''})`
      : '';
  const newTemplate = decision.newTemplate
    ? ` (not UTF-8, left byte for byte; the new template is in ${decision.newTemplate.path})`
    : '';
  return `  ${decision.outcome.padEnd(12)} ${decision.path}${conflicts}${newTemplate}${NOTES[decision.outcome] ?? ''}`;
}

// `git checkout` alone would leave the files the update added; only those are named, never the user's own.
function undoCommand(decisions: FileDecision[]): string {
  const added = [
    ...decisions.filter((d) => d.outcome === 'added').map((d) => d.path),
    ...beside(decisions).map((c) => c.path),
  ].map(shellWord);
  return added.length === 0 ? '`git checkout -- .`' : `\`git checkout -- . && git clean -f -- ${added.join(' ')}\``;
}

const shellWord = (path: string): string => (/^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`);

/** Every path an update of the kernel may write or remove, relative to it. */
export function pathsUpdateWrites(manifest: Manifest, plan: Plan): Set<string> {
  return new Set([...plan.files.map((f) => f.path), ...Object.keys(manifest.files), MANIFEST_PATH]);
}

export async function updateKernel(
  dirArg: string | undefined,
  options: UpdateOptions,
  reporter: Reporter,
  isCommitting: { value: boolean },
): Promise<UpdateResult> {
  const dryRun = options.dryRun === true;
  const { dir } = loadKernel(dirArg);
  // A run killed mid-update left a journal: put the kernel back before reading it.
  const recovered = recoverInterruptedUpdate(dir);
  if (recovered) reporter.warn('An interrupted update was found and rolled back; the kernel is as it was before it.');
  const { manifest } = loadKernel(dir);
  const schemaSet = takeSchemaSet(options.set);
  const answers = resolveAnswers(
    schemaSet.source ? { ...manifest.answers, schema: schemaSet.source.kernelPath } : manifest.answers,
    schemaSet.sets,
  );
  const version = generatorVersion();
  const plan = renderPlan(answers, version);
  // The script generates both models when the kernel has an answer schema too, so it gets that file as well.
  const answerSource = answers.outputSchema === undefined ? undefined : readSchemaFile(join(dir, answers.outputSchema));
  const generated = schemaSet.source ? await generateSchemaModel(plan, schemaSet.source, answerSource, reporter) : [];
  const writes = new Set([...pathsUpdateWrites(manifest, plan), ...generated.map((f) => f.path)]);
  // Every path read or written, and every place a new template may land beside a file, must stay in the kernel.
  refusePathsOutsideKernel(dir, [...writes, ...plan.files.map((f) => `${f.path}${NEW_TEMPLATE_SUFFIX}`)]);
  const inGit =
    dryRun || options.repositoryChecked
      ? await isInsideWorkTree(dir)
      : await refuseUncommittedChanges({
          dir,
          writes,
          force: options.force === true,
          reporter,
          subject: 'The kernel',
          review: 'the update',
        });
  const disk = readDiskFiles(
    dir,
    new Set([...plan.files.map((f) => f.path), ...Object.keys(manifest.files), ...generated.map((f) => f.path)]),
  );
  refuseUnresolvedConflicts(disk, options.force === true, reporter);
  const inputs = { recorded: manifest.files, rendered: plan.files, disk };
  const base = await reconstructBase(pathsNeedingBase(inputs), {
    kernelDir: dir,
    manifest,
    oldAnswers: recordedAnswers(manifest.answers),
    inGit,
  });
  const rendered = decideFiles(inputs, base.contents).map((d) =>
    d.outcome === 'unchanged' && changesDisk(d, disk) ? { ...d, outcome: 'updated' as const } : d,
  );
  const { decisions, keptOwn } = withGeneratedFiles(generated, disk, rendered, manifest.answers);
  refuseRuntimeEdits(
    dir,
    manifest,
    decisions.filter((d) => d.outcome === 'kept').map((d) => d.path),
  );

  const newTemplates = refuseOccupiedNewTemplates(dir, beside(decisions));
  const changes: FileChange[] = [
    ...decisions
      .filter((d) => changesDisk(d, disk))
      .map((d) => ({ path: d.path, contents: d.after, executable: d.executable })),
    ...newTemplates,
  ];
  const manifestOnDisk = readDiskFiles(dir, [MANIFEST_PATH]).get(MANIFEST_PATH);
  // The manifest keeps the line endings it has on disk, like every other file.
  const manifestText = withLineEnding(
    withManifest(plan).files.find((f) => f.path === MANIFEST_PATH)!.contents,
    (manifestOnDisk && readText(manifestOnDisk.bytes)?.lineEnding) ?? '\n',
  );
  if (!manifestOnDisk?.bytes.equals(Buffer.from(manifestText)))
    changes.push({ path: MANIFEST_PATH, contents: manifestText, executable: false });

  const conflicted = decisions.filter((d) => d.outcome === 'conflicted').map((d) => d.path);
  const notUtf8 = decisions.filter((d) => d.outcome === 'not-utf8').map((d) => d.path);
  const result: UpdateResult = {
    ok: conflicted.length === 0 && notUtf8.length === 0,
    command: 'update',
    directory: dir,
    from: manifest.generator.version,
    to: version,
    dryRun,
    recovered,
    files: decisions
      .filter((d) => d.outcome !== 'unchanged')
      .map((d) => ({
        path: d.path,
        outcome: d.outcome,
        conflicts: d.conflicts,
        twoWay: d.twoWay,
        baseSource: base.sourceOf.get(d.path),
        newTemplate: d.newTemplate?.path,
      })),
    conflicted,
    notUtf8,
    releaseNotes: readReleaseNotes(manifest.generator.version, version),
  };

  const listed = decisions.filter((d) => LISTED.includes(d.outcome));
  if (dryRun) {
    const diffs = Object.fromEntries([
      ...decisions
        .filter((d) => changesDisk(d, disk))
        .map((d) => [d.path, unifiedDiff(d.path, d.before, d.after)] as const),
      ...newTemplates.map((c) => [c.path, unifiedDiff(c.path, undefined, c.contents)] as const),
    ]);
    result.diffs = diffs;
    const patches = Object.values(diffs).join('');
    reporter.info(
      `Dry run: update from ${result.from} to ${result.to} would change ${changes.length} file(s); nothing was written.${patches ? `\n${patches.trimEnd()}` : ''}`,
    );
  } else {
    isCommitting.value = true;
    try {
      applyChanges(dir, changes);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new FailureError(`Could not write the update into ${dir} (${reason}); nothing was changed.`);
    }
    // Best effort: the ref only speeds up the next update; hashes still decide whether it is used.
    if (inGit)
      await recordBaseRef(
        dir,
        baseRefName(answers.name),
        plan.files,
        `Pristine render of ${answers.name} by create-clustera-kernel ${version}`,
      );
  }
  const verb = dryRun ? 'Would update' : 'Updated';
  // Files left deleted or kept change nothing on disk: no "Updated" for them, every later run would repeat it.
  if (changes.length === 0)
    reporter.success(
      `The kernel is already on the current templates (${version}); nothing to do.${listed.length > 0 ? `\n${listed.map(summaryLine).join('\n')}` : ''}`,
    );
  else
    reporter.info(
      `${verb} ${answers.name} from create-clustera-kernel ${result.from} to ${result.to}:\n${listed.map(summaryLine).join('\n') || '  (only the manifest)'}`,
    );
  if (options.printReleaseNotes !== false) {
    if (result.releaseNotes.some((release) => release.notes.length > 0))
      reporter.info(formatReleaseNotes(result.releaseNotes));
    for (const warning of migrationWarnings(result.releaseNotes)) reporter.warn(warning);
  }
  // uv.lock records pyproject.toml's dependencies and name; a stale one breaks the Dockerfile's `uv sync --locked`.
  if (
    lockNeedsRefresh(
      dir,
      changes.map((c) => c.path),
    )
  ) {
    if (dryRun)
      reporter.warn(
        `pyproject.toml would change: update would run \`${LOCK_COMMAND}\` in the kernel so uv.lock matches it (the Dockerfile builds with \`uv sync --locked\`).`,
      );
    // uv cannot read a pyproject.toml with conflict blocks: the lock waits for the owner to resolve them.
    else if (conflicted.includes('pyproject.toml'))
      reporter.warn(
        `pyproject.toml changed: resolve its conflict blocks, then run \`${LOCK_COMMAND}\` in the kernel so uv.lock matches it.`,
      );
    else {
      result.lock = await refreshLock(dir, reporter);
      if (!result.lock.refreshed) result.ok = false;
    }
  }
  for (const path of keptOwn)
    reporter.warn(
      `${path} is your own and was kept; the schema's tests check every sample in it against the schema (delete it and run \`${REGENERATE_MODEL_COMMAND}\` for samples made from the schema).`,
    );
  if (conflicted.length > 0) {
    reporter.warn(
      `${conflicted.length} file(s) ${dryRun ? 'would have' : 'have'} conflicts: ${conflicted.join(', ')}. Edit the blocks between <<<<<<< ${CONFLICT_LABELS.ours} and >>>>>>> ${CONFLICT_LABELS.theirs}, keep what should stay, then commit.`,
    );
  }
  if (notUtf8.length > 0) {
    reporter.warn(
      `${notUtf8.length} file(s) are not UTF-8 text and ${dryRun ? 'would be' : 'were'} left byte for byte: ${notUtf8.join(', ')}. Bring in the new template from each <file>${NEW_TEMPLATE_SUFFIX} by hand, then delete it.`,
    );
  }
  if (result.ok && !dryRun && changes.length > 0) {
    reporter.success(
      inGit ? `Review the changes with \`git diff\`; undo them with ${undoCommand(decisions)}.` : 'Done.',
    );
  }
  return result;
}

/** The model and samples of the schema --set gives, generated by the new render's own script before any write. */
async function generateSchemaModel(
  plan: Plan,
  source: SchemaSource,
  answerSource: SchemaSource | undefined,
  reporter: Reporter,
): Promise<PlannedFile[]> {
  const [{ generateModel }, { resolveUvEnvironment }] = await Promise.all([
    import('../create/generate-model.js'),
    import('../infra/uv-env.js'),
  ]);
  const env = await resolveUvEnvironment(process.env, { forbidPythonDownloads: false });
  return reporter.task(
    `Generating the payload model from ${source.kernelPath}`,
    async () => generateModel(plan, source, env, answerSource),
    () => `Generated ${MODEL_PATH} from ${source.kernelPath}.`,
  );
}
