// update --all looks at the repository once: every kernel's update then lands in one change that git diff shows whole.
import { join, relative, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { isInsideWorkTree, uncommittedPaths } from '../git.js';
import type { Reporter } from '../output/reporter.js';

export interface KernelWrites {
  dir: string;
  /** Paths relative to dir that the kernel's update may write or remove. */
  writes: Set<string>;
}

/** Whether root is in a git work tree; throws, unless forced, when it has changes an update could mix with its own. */
export async function refuseDirtyRepository(
  root: string,
  kernels: KernelWrites[],
  force: boolean,
  reporter: Reporter,
): Promise<boolean> {
  if (!(await isInsideWorkTree(root))) return false;
  // Untracked files count only where an update writes: a kernel's uv.lock or notes cannot be lost or mixed into it.
  const written = new Set(
    kernels.flatMap(({ dir, writes }) =>
      [...writes].map((path) => relative(root, join(dir, path)).split(sep).join('/')),
    ),
  );
  const dirty = (await uncommittedPaths(root))
    .filter((entry) => !entry.untracked || written.has(entry.path))
    .map((entry) => entry.path);
  if (dirty.length === 0) return true;
  if (!force) {
    const shown = dirty.slice(0, 5).join(', ') + (dirty.length > 5 ? `, and ${dirty.length - 5} more` : '');
    throw new UsageError(
      `The repository has uncommitted changes (${shown}); commit or stash them so the update of every kernel can be reviewed as one change with git diff, or pass --force.`,
    );
  }
  reporter.warn(`Updating over uncommitted changes (--force): ${dirty.length} file(s) differ from the last commit.`);
  return true;
}
