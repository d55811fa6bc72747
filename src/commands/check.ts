// check: does the kernel's recorded render differ from what the current templates render? Offline, no git, no merge.
import { hashContents } from '../render/manifest.js';
import { generatorVersion } from '../paths.js';
import { renderPlan } from '../render/plan.js';
import { filesWithConflictMarkers } from '../update/conflict-markers.js';
import { readDiskFiles } from '../update/disk-files.js';
import { loadKernel, resolveAnswers } from '../update/load-kernel.js';
import { formatStaleModel, staleModel, type StaleModel } from '../update/model-freshness.js';
import { runtimePathSource } from '../update/runtime-path-source.js';
import { carriesVendoredRuntime, filesInRuntimeFolder, RUNTIME_FOLDER } from '../update/vendored-runtime.js';

export type TemplateChange = 'changed' | 'added' | 'removed';

export interface CheckResult {
  ok: true;
  command: 'check';
  directory: string;
  current: boolean;
  recordedVersion: string;
  currentVersion: string;
  files: { path: string; change: TemplateChange }[];
  /** Kernel files that still hold conflict blocks, e.g. from a conflicted update. */
  conflicted: string[];
  /** The schema's model, when it no longer matches the schema file. */
  staleModel?: StaleModel;
  /** Made before the runtime became a package: update moves it to the clustera-kernel-runtime dependency. */
  migrationPending: boolean;
  /** Files under kernel_runtime/ once the kernel depends on the package, which they would shadow: an error. */
  shadowingRuntime: string[];
  /** The folder pyproject.toml takes the runtime from (a kernel made from a clone): a warning, docker build fails. */
  runtimePath?: string;
}

export function checkKernel(dirArg: string | undefined): CheckResult {
  const { dir, manifest } = loadKernel(dirArg);
  const version = generatorVersion();
  const answers = resolveAnswers(manifest.answers);
  const rendered = new Map(renderPlan(answers, version).files.map((f) => [f.path, hashContents(f.contents)]));
  const files: CheckResult['files'] = [];
  for (const [path, hash] of rendered) {
    const recorded = manifest.files[path];
    if (recorded === undefined) files.push({ path, change: 'added' });
    else if (recorded !== hash) files.push({ path, change: 'changed' });
  }
  for (const path of Object.keys(manifest.files)) if (!rendered.has(path)) files.push({ path, change: 'removed' });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const conflicted = filesWithConflictMarkers(readDiskFiles(dir, Object.keys(manifest.files)));
  const stale = staleModel(dir, answers);
  const migrationPending = carriesVendoredRuntime(manifest);
  const runtimePath = runtimePathSource(dir);
  return {
    ok: true,
    command: 'check',
    directory: dir,
    current: files.length === 0,
    recordedVersion: manifest.generator.version,
    currentVersion: version,
    files,
    conflicted,
    ...(stale ? { staleModel: stale } : {}),
    migrationPending,
    shadowingRuntime: migrationPending ? [] : filesInRuntimeFolder(dir),
    ...(runtimePath === undefined ? {} : { runtimePath }),
  };
}

/** Current templates and no conflict left: what CI can rely on. */
export function checkPassed(result: CheckResult): boolean {
  return (
    result.current &&
    result.conflicted.length === 0 &&
    result.staleModel === undefined &&
    result.shadowingRuntime.length === 0
  );
}

export function formatCheck(result: CheckResult): string {
  const conflicts = result.conflicted.length > 0 ? `\n${formatConflicts(result.conflicted)}` : '';
  const model = result.staleModel ? `\n${formatStaleModel(result.staleModel)}` : '';
  return formatTemplateState(result) + conflicts + model + formatRuntimeState(result);
}

function formatRuntimeState(result: CheckResult): string {
  const lines: string[] = [];
  if (result.migrationPending)
    lines.push(
      `Migration pending: this kernel carries the runtime in ${RUNTIME_FOLDER}/; \`npx create-clustera-kernel update\` replaces it with the clustera-kernel-runtime package (see the release notes of 0.3.0).`,
    );
  if (result.shadowingRuntime.length > 0)
    lines.push(
      `Error: ${RUNTIME_FOLDER}/ is still here (${result.shadowingRuntime.join(', ')}) and would shadow the installed clustera-kernel-runtime: move your own code out of it into a module beside main.py, then delete the folder.`,
    );
  if (result.runtimePath !== undefined)
    lines.push(
      `Warning: pyproject.toml takes clustera-kernel-runtime from ${result.runtimePath} on this machine (made from a clone), so \`docker build\` cannot install it; point it at a package index with \`npx create-clustera-kernel update --set python-index=<url>\`.`,
    );
  return lines.map((line) => `\n${line}`).join('');
}

function formatConflicts(paths: string[]): string {
  return `Unresolved conflict blocks (<<<<<<< … >>>>>>>) in ${paths.join(', ')}: keep what should stay, delete the markers, then commit.`;
}

function formatTemplateState(result: CheckResult): string {
  if (result.current)
    return `The kernel is on the current templates (recorded ${result.recordedVersion}, generator ${result.currentVersion}).`;
  const lines = result.files.map((f) => `  ${f.change.padEnd(8)} ${f.path}`);
  return `An update is available (recorded ${result.recordedVersion}, generator ${result.currentVersion}); these files would change:\n${lines.join('\n')}\nRun \`npx create-clustera-kernel update\` to bring them in.`;
}
