// update --all: update every kernel under a directory, one after another; a kernel that fails is left as it was and
// the others go on, so one broken manifest does not hold back a fleet. The summary names every kernel.
import { relative } from 'node:path';
import { EXIT, exitCodeOf, UsageError } from '../errors.js';
import { refuseDirtyRepository, type KernelWrites } from '../fleet/dirty-repository.js';
import { fleetRoot, requireKernels } from '../fleet/fleet-root.js';
import { formatTable } from '../fleet/table.js';
import { errorMessage } from '../output/json-output.js';
import type { Reporter } from '../output/reporter.js';
import { generatorVersion } from '../paths.js';
import {
  formatReleaseNotes,
  migrationWarnings,
  readReleaseNotes,
  type ReleaseNotes,
} from '../release-notes/changelog.js';
import { compareSemver, isSemver } from '../release-notes/semver.js';
import { readManifest } from '../render/manifest.js';
import { renderPlan } from '../render/plan.js';
import { recoverInterruptedUpdate } from '../update/update-transaction.js';
import { loadKernel, resolveAnswers } from '../update/load-kernel.js';
import { pathsUpdateWrites, updateKernel, type UpdateOptions, type UpdateResult } from './update.js';

export type KernelOutcome = 'updated' | 'current' | 'conflicted' | 'failed';

export interface UpdateAllEntry {
  directory: string;
  name: string | null;
  outcome: KernelOutcome;
  /** What update alone would exit with for this kernel. */
  exitCode: number;
  /** update's own result for the kernel, when it ran to the end. */
  result?: UpdateResult;
  error?: string;
}

export interface UpdateAllResult {
  ok: boolean;
  command: 'update';
  all: true;
  root: string;
  dryRun: boolean;
  to: string;
  exitCode: number;
  kernels: UpdateAllEntry[];
  /** CHANGELOG.md's entries after the oldest version any kernel recorded, printed once for all of them. */
  releaseNotes: ReleaseNotes[];
}

/** Which kernels are done, for the line Ctrl-C prints. */
export interface UpdateAllProgress {
  updated: string[];
}

// Outcomes that leave the kernel's files as they were.
const NOTHING_WRITTEN = new Set(['kept', 'left-deleted']);

function outcomeOf(result: UpdateResult): KernelOutcome {
  if (result.conflicted.length > 0) return 'conflicted';
  const changed = result.from !== result.to || result.files.some((file) => !NOTHING_WRITTEN.has(file.outcome));
  return changed ? 'updated' : 'current';
}

// A kernel whose manifest cannot be read adds nothing here: its own update fails and reports why.
function writesOf(dirs: string[]): KernelWrites[] {
  const version = generatorVersion();
  return dirs.flatMap((dir) => {
    try {
      const { manifest } = loadKernel(dir);
      return [{ dir, writes: pathsUpdateWrites(manifest, renderPlan(resolveAnswers(manifest.answers), version)) }];
    } catch {
      return [];
    }
  });
}

function oldestRecorded(entries: UpdateAllEntry[]): string | undefined {
  const versions = entries.flatMap((entry) => (entry.result && isSemver(entry.result.from) ? [entry.result.from] : []));
  return versions.sort(compareSemver)[0];
}

export async function updateAllKernels(
  rootArg: string | undefined,
  options: UpdateOptions,
  reporter: Reporter,
  committing: { value: boolean },
  progress: UpdateAllProgress,
): Promise<UpdateAllResult> {
  if (options.set !== undefined)
    throw new UsageError("--set changes one kernel's answers; it cannot be used with --all.");
  const dryRun = options.dryRun === true;
  const root = await fleetRoot(rootArg);
  const dirs = await requireKernels(root);
  // A run killed mid-update left half-written files; rolled back first, they do not count as uncommitted changes.
  for (const dir of dirs) {
    try {
      if (recoverInterruptedUpdate(dir))
        reporter.warn(`${relative(root, dir) || '.'}: an interrupted update was found and rolled back.`);
    } catch {
      // The kernel's own update reports what is wrong with it.
    }
  }
  const repositoryChecked = dryRun
    ? false
    : await refuseDirtyRepository(root, writesOf(dirs), options.force === true, reporter);
  const kernels: UpdateAllEntry[] = [];
  for (const dir of dirs) {
    const directory = relative(root, dir) || '.';
    const manifest = readManifest(dir);
    const name = typeof manifest === 'object' ? (manifest.answers.name ?? null) : null;
    reporter.info(`\n== ${directory}`);
    try {
      const result = await updateKernel(
        dir,
        { ...options, repositoryChecked, printReleaseNotes: false },
        reporter,
        committing,
      );
      const outcome = outcomeOf(result);
      kernels.push({ directory, name, outcome, exitCode: result.ok ? EXIT.ok : EXIT.failure, result });
      if (!dryRun && outcome !== 'current') progress.updated.push(directory);
    } catch (error) {
      reporter.warn(`${directory} was not updated and is as it was: ${errorMessage(error)}`);
      kernels.push({ directory, name, outcome: 'failed', exitCode: exitCodeOf(error), error: errorMessage(error) });
    } finally {
      // updateKernel marks its write as under way; Ctrl-C may stop the run again between kernels.
      committing.value = false;
    }
  }
  const to = generatorVersion();
  const oldest = oldestRecorded(kernels);
  const exitCode = Math.max(...kernels.map((kernel) => kernel.exitCode));
  return {
    ok: exitCode === EXIT.ok,
    command: 'update',
    all: true,
    root,
    dryRun,
    to,
    exitCode,
    kernels,
    releaseNotes: oldest === undefined ? [] : readReleaseNotes(oldest, to),
  };
}

const OUTCOME_LABELS: Record<KernelOutcome, [done: string, dryRun: string]> = {
  updated: ['updated', 'would update'],
  current: ['already current', 'already current'],
  conflicted: ['updated with conflicts', 'would conflict'],
  failed: ['failed, left as it was', 'failed'],
};

export function reportUpdateAll(result: UpdateAllResult, reporter: Reporter): void {
  const table = formatTable(
    ['DIRECTORY', 'NAME', 'FROM', 'TO', 'RESULT'],
    result.kernels.map((kernel) => [
      kernel.directory,
      kernel.name ?? '-',
      kernel.result?.from ?? '-',
      kernel.result?.to ?? '-',
      OUTCOME_LABELS[kernel.outcome][result.dryRun ? 1 : 0] + conflictDetail(kernel),
    ]),
  );
  reporter.info(
    `\n${result.dryRun ? 'Dry run over' : 'Updated'} ${result.kernels.length} kernel(s) under ${result.root}:\n${table}`,
  );
  if (result.releaseNotes.some((release) => release.notes.length > 0))
    reporter.info(formatReleaseNotes(result.releaseNotes));
  for (const warning of migrationWarnings(result.releaseNotes)) reporter.warn(warning);
  const failed = result.kernels.filter((kernel) => kernel.outcome === 'failed');
  for (const kernel of failed) reporter.warn(`${kernel.directory} failed and was left as it was: ${kernel.error}`);
  if (failed.length > 0 && failed.length < result.kernels.length)
    reporter.warn(
      `The other kernels were ${result.dryRun ? 'checked' : 'updated'} regardless; the exit code is the worst of them.`,
    );
  const changed = result.kernels.some((kernel) => kernel.outcome === 'updated' || kernel.outcome === 'conflicted');
  if (!result.dryRun && changed)
    reporter.success("Review every kernel's changes together with `git diff`; commit them as one change.");
}

function conflictDetail(kernel: UpdateAllEntry): string {
  return kernel.outcome === 'conflicted' ? ` (${kernel.result!.conflicted.join(', ')})` : '';
}

/** What Ctrl-C leaves behind: the kernels already updated stay so, the one being written finishes first. */
export function cancelledLine(progress: UpdateAllProgress): string {
  if (progress.updated.length === 0) return '\nCancelled; nothing was changed.\n';
  return `\nCancelled; already updated (review with git diff): ${progress.updated.join(', ')}; the other kernels were not changed.\n`;
}
