// After update has written a kernel's pyproject.toml (its dependencies, their groups, its name), `uv lock` brings
// uv.lock in line with it: the Dockerfile builds with `uv sync --locked`, which refuses a lock that no longer matches.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter } from '../output/reporter.js';

export const LOCK_COMMAND = 'uv lock';

export interface LockRefresh {
  command: string;
  /** Whether uv.lock now matches pyproject.toml. */
  refreshed: boolean;
  /** Why it does not: the last lines of uv's output, or why uv could not be started. */
  error?: string;
}

/** Whether the update's writes call for a new lock: pyproject.toml changed and the kernel keeps a uv.lock. */
export function lockNeedsRefresh(dir: string, writtenPaths: readonly string[]): boolean {
  return writtenPaths.includes('pyproject.toml') && existsSync(join(dir, 'uv.lock'));
}

/** Runs `uv lock` in the kernel; a failure is returned and warned about, with what to run by hand. */
export async function refreshLock(dir: string, reporter: Reporter): Promise<LockRefresh> {
  const [{ runProcess }, { resolveUvEnvironment }] = await Promise.all([
    import('../create/run-process.js'),
    import('../infra/uv-env.js'),
  ]);
  const env = resolveUvEnvironment(process.env, { forbidPythonDownloads: false });
  const run = await reporter.task(
    'Refreshing uv.lock (`uv lock`)',
    () => runProcess('uv', ['lock'], dir, env),
    (result) => (result.ok ? 'uv.lock matches pyproject.toml again.' : '`uv lock` failed.'),
  );
  if (run.ok) return { command: LOCK_COMMAND, refreshed: true };
  const error = run.outputTail?.trim() || `exit code ${run.exitCode ?? 'unknown'}`;
  reporter.warn(
    `pyproject.toml changed but \`${LOCK_COMMAND}\` failed, so uv.lock no longer matches it and the Dockerfile's \`uv sync --locked\` will refuse it: run \`${LOCK_COMMAND}\` in the kernel once the cause below is fixed.\n${error}`,
  );
  return { command: LOCK_COMMAND, refreshed: false, error };
}
