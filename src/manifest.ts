// .clustera-kernel.json: where a kernel came from (generator version, answers, hash of each rendered file).
import { createHash } from 'node:crypto';
import type { Plan, PlannedFile } from './plan.js';

export const MANIFEST_PATH = '.clustera-kernel.json';

export interface Manifest {
  generator: { name: string; version: string };
  answers: Record<string, string>;
  files: Record<string, string>;
}

export function hashContents(contents: string): string {
  return `sha256:${createHash('sha256').update(contents, 'utf8').digest('hex')}`;
}

/** Sorted keys at every level, two-space indent, trailing newline: the file diffs cleanly. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, inner]) => [key, sortKeys(inner)]));
  }
  return value;
}

export function buildManifest(plan: Plan): Manifest {
  return {
    generator: { name: 'create-clustera-kernel', version: plan.generatorVersion },
    answers: { ...plan.answers },
    files: Object.fromEntries(plan.files.map((file) => [file.path, hashContents(file.contents)])),
  };
}

/** The plan plus its own manifest, which is what lands on disk. */
export function withManifest(plan: Plan): Plan {
  const manifestFile: PlannedFile = { path: MANIFEST_PATH, contents: stableJson(buildManifest(plan)), executable: false };
  const files = [...plan.files.filter((file) => file.path !== MANIFEST_PATH), manifestFile];
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ...plan, files };
}
