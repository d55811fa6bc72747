// Update refuses to mix its writes with changes nobody committed, so its own change can be reviewed with git diff.
import { UsageError } from '../errors.js';
import { isInsideWorkTree, uncommittedPaths } from '../git.js';
import type { Reporter } from '../output/reporter.js';

export interface UncommittedCheck {
  /** Where git is asked: a kernel, or the root of several. */
  dir: string;
  /** Paths relative to dir that the update may write: untracked files elsewhere (a uv.lock, notes) are no concern. */
  writes: Set<string>;
  force: boolean;
  reporter: Reporter;
  /** How the refusal names what is dirty and what the review covers. */
  subject: string;
  review: string;
}

/** Whether dir is in a git work tree; throws, unless forced, when it has changes an update could mix with its own. */
export async function refuseUncommittedChanges(check: UncommittedCheck): Promise<boolean> {
  if (!(await isInsideWorkTree(check.dir))) return false;
  const dirty = (await uncommittedPaths(check.dir))
    .filter((entry) => !entry.untracked || check.writes.has(entry.path))
    .map((entry) => entry.path);
  if (dirty.length === 0) return true;
  if (!check.force) {
    const shown = dirty.slice(0, 5).join(', ') + (dirty.length > 5 ? `, and ${dirty.length - 5} more` : '');
    throw new UsageError(
      `${check.subject} has uncommitted changes (${shown}); commit or stash them so ${check.review} can be reviewed with git diff, or pass --force.`,
    );
  }
  check.reporter.warn(
    `Updating over uncommitted changes (--force): ${dirty.length} file(s) differ from the last commit.`,
  );
  return true;
}
