// .clustera-kernel.json: where a kernel came from (generator version, answers, hash of each rendered file).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Plan, PlannedFile } from './plan.js';

export const MANIFEST_PATH = '.clustera-kernel.json';

export interface Manifest {
  generator: { name: string; version: string };
  answers: Record<string, string>;
  files: Record<string, string>;
}

/** SHA-256 of a text, as hex. node:crypto loads on the first hash, so --help and commands that hash nothing skip it. */
export function sha256Hex(text: string): string {
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function hashContents(contents: string): string {
  return `sha256:${sha256Hex(contents)}`;
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
  const manifestFile: PlannedFile = {
    path: MANIFEST_PATH,
    contents: stableJson(buildManifest(plan)),
    executable: false,
  };
  const files = [...plan.files.filter((file) => file.path !== MANIFEST_PATH), manifestFile];
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ...plan, files };
}

/** The manifest a kernel records, or a one-sentence reason why it cannot be used. */
export function parseManifest(text: string): Manifest | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `${MANIFEST_PATH} is not valid JSON`;
  }
  const manifest = value as Partial<Manifest>;
  if (typeof manifest.generator?.version !== 'string' || !manifest.files || typeof manifest.files !== 'object') {
    return `${MANIFEST_PATH} lacks the generator version or the file hashes`;
  }
  // update writes and removes these paths: none may point outside the kernel.
  const unsafe = Object.keys(manifest.files).find(
    (path) => path.startsWith('/') || path.split(/[\\/]/).includes('..') || path === '',
  );
  if (unsafe !== undefined) return `${MANIFEST_PATH} lists a path outside the kernel (${JSON.stringify(unsafe)})`;
  return { generator: manifest.generator, answers: manifest.answers ?? {}, files: manifest.files };
}

/** The manifest in a kernel directory, a one-sentence reason why it cannot be used, or undefined when there is none. */
export function readManifest(dir: string): Manifest | string | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST_PATH), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return `${MANIFEST_PATH} cannot be read (${code ?? (error as Error).message})`;
  }
  return parseManifest(text);
}

/** Numeric comparison of dotted versions (prerelease tags ignored): negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split('-')[0]!
      .split('.')
      .map((n) => Number.parseInt(n, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
