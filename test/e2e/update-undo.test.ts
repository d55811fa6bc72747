// The undo command update prints puts the kernel back exactly, files it added included.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../helpers/cli.js';
import {
  buildTemplateVersions,
  createOldKernel,
  runUpdate,
  snapshotTree,
  type TemplateVersions,
} from '../helpers/template-versions.js';

describe('update undo hint', () => {
  let root: string;
  let versions: TemplateVersions;
  beforeAll(() => {
    root = makeTempDir('cck-update-undo-');
    versions = buildTemplateVersions(root);
  });
  afterAll(() => removeDir(root));

  it('running the printed undo command restores the tree as it was before the update', async () => {
    const kernel = await createOldKernel(versions, root, 'undone');
    const before = snapshotTree(kernel);
    const run = await runUpdate(versions, kernel);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/added\s+tests\/template_note\.py/);
    const undo = /undo them with `([^`]+)`/.exec(run.stdout)?.[1];
    expect(undo, run.stdout).toBeDefined();
    execFileSync('sh', ['-c', undo!], { cwd: kernel });
    expect(snapshotTree(kernel)).toEqual(before);
  });
});
