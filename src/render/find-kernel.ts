// Which kernel a command works on when no directory is given: the nearest one at or above the current directory.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MANIFEST_PATH } from './manifest.js';

/** As git finds its repository: `check` run from the kernel's tests/ still checks the kernel. */
export function kernelDirectory(dirArg: string | undefined, cwd: string = process.cwd()): string {
  if (dirArg !== undefined) return resolve(cwd, dirArg);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, MANIFEST_PATH))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}
