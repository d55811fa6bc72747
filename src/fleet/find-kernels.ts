// Every kernel under a directory, for list, check --all and update --all: each directory holding a manifest.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { MANIFEST_PATH } from '../render/manifest.js';

// Never a kernel's home, and often huge: not even read.
const SKIPPED = new Set(['node_modules', '.venv', '.git']);

/** The top of the git work tree dir is in, or undefined outside one. */
export async function workTreeRoot(dir: string): Promise<string | undefined> {
  const result = await execa('git', ['rev-parse', '--show-toplevel'], { cwd: dir, reject: false });
  return result.exitCode === 0 && result.stdout.trim() !== '' ? result.stdout.trim() : undefined;
}

/** Where a fleet command looks without a root: the whole repository, else the current directory. */
export async function defaultFleetRoot(cwd: string = process.cwd()): Promise<string> {
  return (await workTreeRoot(cwd)) ?? resolve(cwd);
}

/** Paths git ignores under root, relative to it with `/` separators (directories end in `/`); none outside a repo. */
async function ignoredPaths(root: string): Promise<Set<string>> {
  // One git process for the whole tree; --directory names an ignored directory once instead of every file in it.
  const result = await execa(
    'git',
    ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory', '--', '.'],
    { cwd: root, reject: false },
  );
  return new Set(result.exitCode === 0 ? result.stdout.split('\0').filter(Boolean) : []);
}

/** Absolute directories of every kernel under root (root included), sorted by path. */
export async function findKernels(root: string): Promise<string[]> {
  const top = resolve(root);
  const ignored = await ignoredPaths(top);
  const found: string[] = [];
  const walk = (dir: string, relative: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      // A directory we may not read holds no kernel we could check or update either.
      return;
    }
    if (
      entries.some((entry) => entry.name === MANIFEST_PATH && entry.isFile()) &&
      !ignored.has(relative + MANIFEST_PATH)
    )
      found.push(dir);
    for (const entry of entries) {
      const path = `${relative}${entry.name}/`;
      // Symbolic links are not followed: no loops, and no kernel counted twice.
      if (entry.isDirectory() && !SKIPPED.has(entry.name) && !ignored.has(path)) walk(join(dir, entry.name), path);
    }
  };
  walk(top, '');
  return found.sort();
}
