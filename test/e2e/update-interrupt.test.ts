// Killing update at any moment leaves the kernel as it was (after the next run's recovery) or fully updated.
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, makeTempDir, removeDir } from '../helpers/cli.js';
import {
  buildTemplateVersions,
  createOldKernel,
  editFile,
  git,
  makeDir,
  runUpdate,
  snapshotTree,
  type TemplateVersions,
  type TreeSnapshot,
} from '../helpers/template-versions.js';

const DELAYS_MS = [0, 60, 120, 180, 240, 300, 360, 420, 500, 650];

describe('interrupting update', () => {
  let root: string;
  let versions: TemplateVersions;
  let pristine: string;
  let before: TreeSnapshot;
  let after: TreeSnapshot;

  const copyKernel = (label: string) => {
    const dir = join(root, label, 'kill');
    cpSync(pristine, dir, { recursive: true });
    return dir;
  };

  beforeAll(async () => {
    root = makeTempDir('cck-update-kill-');
    versions = buildTemplateVersions(root);
    pristine = await createOldKernel(versions, makeDir(join(root, 'pristine')), 'kill');
    editFile(pristine, 'main.py', (t) =>
      t.replace('    if message.value is None:', '    log.debug("mine")\n    if message.value is None:'),
    );
    await git(pristine, 'commit', '-qam', 'mine');
    before = snapshotTree(pristine);
    const reference = copyKernel('reference');
    const run = await runUpdate(versions, reference);
    expect(run.exitCode, run.stderr).toBe(0);
    after = snapshotTree(reference);
    expect(after).not.toEqual(before);
  });
  afterAll(() => removeDir(root));

  it.each(DELAYS_MS)(
    'SIGKILL after %i ms, then any later run: the kernel is as before or fully updated',
    async (delay) => {
      const kernel = copyKernel(`k${delay}`);
      const child = execa(process.execPath, [CLI_BIN, 'update'], {
        cwd: kernel,
        env: { NO_COLOR: '1', ...versions.newEnv },
        reject: false,
        stdin: 'ignore',
      });
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await child;
      const staging = join(kernel, '..', '.create-clustera-kernel-update-kill');
      const interrupted = existsSync(join(staging, 'journal.json'));
      const now = snapshotTree(kernel);
      // Unless a committed journal says so, the kernel is already whole.
      if (!interrupted) expect([before, after]).toContainEqual(now);
      const check = await execa(process.execPath, [CLI_BIN, 'update', '--dry-run'], {
        cwd: kernel,
        env: { NO_COLOR: '1', ...versions.newEnv },
        reject: false,
      });
      expect(check.exitCode, check.stderr).toBe(0);
      expect([before, after]).toContainEqual(snapshotTree(kernel));
      if (interrupted) expect(snapshotTree(kernel)).toEqual(before);
      expect(existsSync(staging)).toBe(false);
    },
  );

  it('SIGINT during update exits 130 with nothing changed, or finishes', async () => {
    const kernel = copyKernel('sigint');
    const child = execa(process.execPath, [CLI_BIN, 'update'], {
      cwd: kernel,
      env: { NO_COLOR: '1', ...versions.newEnv },
      reject: false,
      stdin: 'ignore',
    });
    setTimeout(() => child.kill('SIGINT'), 150);
    const result = await child;
    // Before the handler is installed, node dies of the signal itself: nothing had been written either.
    if (result.exitCode === 130 || result.signal === 'SIGINT') expect(snapshotTree(kernel)).toEqual(before);
    else {
      expect(result.exitCode).toBe(0);
      expect(snapshotTree(kernel)).toEqual(after);
    }
  });
});
