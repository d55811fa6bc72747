// check: does the kernel's recorded render differ from what the current templates render? Offline, no git, no merge.
import { hashContents } from '../render/manifest.js';
import { generatorVersion } from '../paths.js';
import { renderPlan } from '../render/plan.js';
import { filesWithConflictMarkers } from '../update/conflict-markers.js';
import { readDiskFiles } from '../update/disk-files.js';
import { loadKernel, resolveAnswers } from '../update/load-kernel.js';
import { formatStaleModel, staleModel, type StaleModel } from '../update/model-freshness.js';

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
  };
}

/** Current templates and no conflict left: what CI can rely on. */
export function checkPassed(result: CheckResult): boolean {
  return result.current && result.conflicted.length === 0 && result.staleModel === undefined;
}

export function formatCheck(result: CheckResult): string {
  const conflicts = result.conflicted.length > 0 ? `\n${formatConflicts(result.conflicted)}` : '';
  const model = result.staleModel ? `\n${formatStaleModel(result.staleModel)}` : '';
  return formatTemplateState(result) + conflicts + model;
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
