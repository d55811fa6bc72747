// An update that changes nothing on disk says so, even when a file the user deleted stays deleted.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuietKernel, makeTempDir, removeDir, runCli } from '../helpers/cli.js';
import { snapshotTree } from '../helpers/template-versions.js';

describe('update with nothing to do', () => {
  let root: string;
  beforeAll(() => {
    root = makeTempDir('cck-update-noop-');
  });
  afterAll(() => removeDir(root));

  it('a deleted file left deleted is no "Updated" and no review hint', async () => {
    const dir = await createQuietKernel(root, 'noop');
    rmSync(join(dir, 'Dockerfile'));
    const before = snapshotTree(dir);
    const run = await runCli(['update'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('The kernel is already on the current templates');
    expect(run.stdout).toMatch(/left-deleted\s+Dockerfile/);
    expect(run.stdout).not.toMatch(/^Updated /m);
    expect(run.stdout).not.toContain('Done.');
    expect(snapshotTree(dir)).toEqual(before);
  });
});
