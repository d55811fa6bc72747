// update --all looks at the repository once: every kernel's update then lands in one change that git diff shows whole.
import { join, relative, sep } from 'node:path';
import type { Reporter } from '../output/reporter.js';
import { refuseUncommittedChanges } from '../update/uncommitted-changes.js';

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
  // Paths relative to the repository: one git status over the root answers for every kernel.
  const written = new Set(
    kernels.flatMap(({ dir, writes }) =>
      [...writes].map((path) => relative(root, join(dir, path)).split(sep).join('/')),
    ),
  );
  return refuseUncommittedChanges({
    dir: root,
    writes: written,
    force,
    reporter,
    subject: 'The repository',
    review: 'the update of every kernel',
  });
}
