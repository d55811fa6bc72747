// Plan → disk, atomically: render into a temporary directory beside the target, then move it into place.
import { linkSync, mkdirSync, renameSync, rmSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Plan } from '../render/plan.js';
import type { TargetState } from './target.js';

export type FileWriter = (path: string, contents: string, mode: number) => void;

const defaultWriter: FileWriter = (path, contents, mode) => writeFileSync(path, contents, { mode, flag: 'wx' });

export const STAGING_PREFIX = '.create-clustera-kernel-';

/** A new, empty directory beside the target; mkdir fails rather than reuse one, so a clash only means another name. */
function makeStagingDir(parent: string, name: string): string {
  for (let attempt = 0; ; attempt += 1) {
    // Unique enough without node:crypto, which alone costs a scaffold several milliseconds to load.
    const suffix = `${process.pid.toString(36)}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const staging = join(parent, `${STAGING_PREFIX}${name}-${suffix}`);
    try {
      // mkdir (unlike mkdtemp's 0700) honours the umask, so the kernel directory gets the user's usual permissions.
      mkdirSync(staging);
      return staging;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 10) throw error;
    }
  }
}

/** Writes every planned file into a fresh staging directory beside the target and returns its path. */
function stagePlan(plan: Plan, targetDir: string, writeFile: FileWriter): string {
  const parent = dirname(targetDir);
  mkdirSync(parent, { recursive: true });
  const staging = makeStagingDir(parent, basename(targetDir));
  // Each directory is made once, not once per file in it: file creation is most of a scaffold's system time.
  const made = new Set([staging]);
  try {
    for (const file of plan.files) {
      const path = join(staging, file.path);
      const dir = dirname(path);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFile(path, file.contents, file.executable ? 0o755 : 0o644);
    }
    return staging;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Moves staged files into an existing directory; link() refuses to replace a file, so a clash can never overwrite. */
function mergeIntoExisting(plan: Plan, staging: string, targetDir: string): void {
  const created: string[] = [];
  const createdDirs: string[] = [];
  try {
    for (const file of plan.files) {
      const destination = join(targetDir, file.path);
      const missing: string[] = [];
      for (let dir = dirname(destination); dir !== targetDir && !createdDirs.includes(dir); dir = dirname(dir))
        missing.unshift(dir);
      // Shallowest first: .github must exist before .github/workflows.
      for (const dir of missing) {
        try {
          mkdirSync(dir);
          createdDirs.push(dir);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      }
      linkSync(join(staging, file.path), destination);
      created.push(destination);
    }
  } catch (error) {
    for (const path of created) unlinkSync(path);
    // Deepest first, so each directory is empty when it is removed.
    for (const dir of createdDirs.sort().reverse()) rmdirSync(dir);
    throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export function writePlan(
  plan: Plan,
  targetDir: string,
  state: TargetState,
  writeFile: FileWriter = defaultWriter,
): void {
  const staging = stagePlan(plan, targetDir, writeFile);
  // An existing directory keeps its identity (a shell's cwd, owner, ACLs, a mount point): files move into it.
  if (state !== 'missing') {
    mergeIntoExisting(plan, staging, targetDir);
    return;
  }
  try {
    renameSync(staging, targetDir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
