// Which clustera-kernel-runtime a kernel runs on: the version uv.lock locked, else the range pyproject.toml requires,
// else the copy a kernel of 0.2.0 and earlier carries in kernel_runtime/. Read from the files, never from uv.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RUNTIME_DISTRIBUTION } from '../render/runtime-dependency.js';

export type RuntimeSource = 'lock' | 'pyproject' | 'vendored';

export interface KernelRuntime {
  /** Where it was read: uv.lock, pyproject.toml, or the vendored kernel_runtime/ folder. */
  source: RuntimeSource;
  /** The version uv.lock locked; null unless source is `lock`. */
  version: string | null;
  /** The range of pyproject.toml's requirement (`>=0.3,<0.4`); null when it has none. */
  range: string | null;
}

/** PEP 503: names compare lower-cased, with runs of `-`, `_` and `.` as one `-`. */
const normalizeName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The lines of one TOML table (from its header to the next header), for the tables this module reads. */
function tables(text: string): { header: string; body: string }[] {
  const out: { header: string; body: string }[] = [];
  let current: { header: string; lines: string[] } | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*(\[\[?[^\]]+\]\]?)\s*(#.*)?$/.exec(line);
    if (header) {
      if (current) out.push({ header: current.header, body: current.lines.join('\n') });
      current = { header: header[1]!.replace(/\s+/g, ''), lines: [] };
    } else current?.lines.push(line);
  }
  if (current) out.push({ header: current.header, body: current.lines.join('\n') });
  return out;
}

/** A TOML basic or literal string's value, for the simple strings uv.lock and pyproject.toml hold. */
function stringValue(body: string, key: string): string | undefined {
  const match = new RegExp(`^\\s*${key}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|'([^']*)')`, 'm').exec(body);
  if (!match) return undefined;
  return match[2] ?? match[1]!.replace(/\\(.)/g, '$1');
}

/** The version uv.lock locked for the runtime, from its `[[package]]` entry. */
export function lockedRuntimeVersion(lockText: string): string | undefined {
  for (const table of tables(lockText)) {
    if (table.header !== '[[package]]') continue;
    const name = stringValue(table.body, 'name');
    if (name !== undefined && normalizeName(name) === RUNTIME_DISTRIBUTION) return stringValue(table.body, 'version');
  }
  return undefined;
}

/** The strings of the array `key = [ … ]` in a table's body. */
function stringArray(body: string, key: string): string[] | undefined {
  const start = new RegExp(`^\\s*${key}\\s*=\\s*\\[`, 'm').exec(body);
  if (!start) return undefined;
  const values: string[] = [];
  const rest = body.slice(start.index + start[0].length);
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(#[^\n]*)|(\])/g;
  for (let match = pattern.exec(rest); match; match = pattern.exec(rest)) {
    if (match[4]) break;
    if (match[3]) continue;
    values.push(match[2] ?? match[1]!.replace(/\\(.)/g, '$1'));
  }
  return values;
}

/** The version range of the runtime requirement among `[project]` dependencies: `>=0.3,<0.4`, or `''` for none. */
export function requiredRuntimeRange(pyprojectText: string): string | undefined {
  const project = tables(pyprojectText).find((table) => table.header === '[project]');
  for (const requirement of (project && stringArray(project.body, 'dependencies')) ?? []) {
    // PEP 508: name, extras, then the version specifiers, up to a marker.
    const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*\(?([^;@)]*)\)?/.exec(requirement);
    if (match && normalizeName(match[1]!) === RUNTIME_DISTRIBUTION) return match[2]!.replace(/\s+/g, '');
  }
  return undefined;
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** The kernel's runtime, or null when it has neither the dependency nor a vendored copy. */
export function readKernelRuntime(dir: string): KernelRuntime | null {
  const pyproject = readText(join(dir, 'pyproject.toml'));
  const range = pyproject === undefined ? undefined : requiredRuntimeRange(pyproject);
  const lock = readText(join(dir, 'uv.lock'));
  const locked = lock === undefined ? undefined : lockedRuntimeVersion(lock);
  const rangeOrNull = range || null;
  if (locked !== undefined) return { source: 'lock', version: locked, range: rangeOrNull };
  if (range !== undefined) return { source: 'pyproject', version: null, range: rangeOrNull };
  // Kernels of 0.2.0 and earlier carried the runtime as a folder of their own and had no such dependency.
  if (isDirectory(join(dir, 'kernel_runtime')) && existsSync(join(dir, 'kernel_runtime', '__init__.py')))
    return { source: 'vendored', version: null, range: null };
  return null;
}

/** How a table shows it: the locked version, the required range, `vendored`, or `-`. */
export function formatKernelRuntime(runtime: KernelRuntime | null): string {
  if (runtime === null) return '-';
  if (runtime.source === 'vendored') return 'vendored';
  return runtime.version ?? runtime.range ?? 'any';
}
