// Two real template versions for update tests: "old" is the package's templates, "new" changes the base and an overlay.
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT, runCli, type CliRun } from './cli.js';

export const OLD_VERSION = '0.1.0';
export const NEW_VERSION = '0.2.0';

/** The lines the new templates change, so tests can look for them. */
export const NEW_BASE_LINE = 'ARG UV_VERSION=0.9';
export const OLD_BASE_LINE = 'ARG UV_VERSION=0.8';
export const OLD_DOC_LINE = 'Edit process_message; the runtime handles Kafka, retries, dead letters and shutdown.';
export const NEW_DOC_LINE = 'Edit process_message only; the runtime handles Kafka, retries, dead letters and shutdown.';
export const ADDED_FILE = 'tests/template_note.py';
export const REMOVED_FILE = '.dockerignore';

function replaceIn(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${path} no longer contains ${from}; update the test's template change`);
  writeFileSync(path, text.replace(from, to));
}

export interface TemplateVersions {
  oldDir: string;
  newDir: string;
  /** Environment that makes the CLI render the old or the new templates. */
  oldEnv: Record<string, string>;
  newEnv: Record<string, string>;
}

export function buildTemplateVersions(root: string): TemplateVersions {
  const oldDir = join(root, 'templates-old');
  const newDir = join(root, 'templates-new');
  cpSync(join(REPO_ROOT, 'templates'), oldDir, { recursive: true });
  cpSync(oldDir, newDir, { recursive: true });
  replaceIn(join(newDir, 'base', 'Dockerfile'), OLD_BASE_LINE, NEW_BASE_LINE);
  chmodSync(join(newDir, 'base', 'Dockerfile'), 0o755);
  replaceIn(join(newDir, 'kinds', 'basic', 'main.py.hbs'), OLD_DOC_LINE, NEW_DOC_LINE);
  mkdirSync(join(newDir, 'base', ADDED_FILE, '..'), { recursive: true });
  writeFileSync(join(newDir, 'base', ADDED_FILE), '"""Added by the newer templates."""\n\nNOTE = "newer templates"\n');
  rmSync(join(newDir, 'base', 'dot-dockerignore'));
  const quiet = { CREATE_CLUSTERA_KERNEL_OFFLINE: '1' };
  return {
    oldDir,
    newDir,
    oldEnv: { ...quiet, CREATE_CLUSTERA_KERNEL_TEMPLATES: oldDir, CREATE_CLUSTERA_KERNEL_VERSION: OLD_VERSION },
    newEnv: { ...quiet, CREATE_CLUSTERA_KERNEL_TEMPLATES: newDir, CREATE_CLUSTERA_KERNEL_VERSION: NEW_VERSION },
  };
}

export async function createOldKernel(
  versions: TemplateVersions,
  cwd: string,
  name: string,
  extra: string[] = [],
): Promise<string> {
  const run = await runCli([name, '--kind', 'basic', '--yes', '--no-install', ...extra], { cwd, env: versions.oldEnv });
  if (run.exitCode !== 0) throw new Error(`create failed: ${run.stderr}`);
  return join(cwd, name);
}

export function runUpdate(
  versions: TemplateVersions,
  kernel: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<CliRun> {
  return runCli(['update', ...args], { cwd: kernel, env: { ...versions.newEnv, ...env } });
}

export async function git(dir: string, ...args: string[]): Promise<string> {
  const result = await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@localhost', ...args], { cwd: dir });
  return result.stdout;
}

export type TreeSnapshot = Record<string, { contents: string; mode: number }>;

/** Every file outside .git with its contents and permission bits. */
export function snapshotTree(dir: string): TreeSnapshot {
  const out: TreeSnapshot = {};
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (entry === '.git') continue;
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = { contents: readFileSync(path, 'utf8'), mode: statSync(path).mode & 0o777 };
    }
  };
  walk(dir);
  return out;
}

export function editFile(dir: string, path: string, edit: (text: string) => string): void {
  writeFileSync(join(dir, path), edit(readFileSync(join(dir, path), 'utf8')));
}

export function makeDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
