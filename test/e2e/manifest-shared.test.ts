// test-run, update and check read a kernel's manifest the same way, so a broken one gets the same sentence from each.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, runCli } from '../helpers/cli.js';

describe('one manifest reader', () => {
  let root: string;
  let dir: string;
  beforeAll(async () => {
    root = makeTempDir('cck-manifest-shared-');
    const created = await runCli(['broken-manifest', '--kind', 'basic', '--yes', '--no-install', '--no-git'], {
      cwd: root,
    });
    expect(created.exitCode, created.stderr).toBe(0);
    dir = join(root, 'broken-manifest');
  });
  afterAll(() => removeDir(root));

  it.each(['test-run', 'update', 'check'])('%s on a manifest that is not JSON', async (command) => {
    writeFileSync(join(dir, '.clustera-kernel.json'), '{"answers": {');
    const run = await runCli([command, '--json'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      command,
      error: expect.stringMatching(/^Cannot read the kernel's manifest: \.clustera-kernel\.json is not valid JSON/),
    });
  });

  // test-run used to accept what update refuses: a manifest listing a path outside the kernel.
  it.each(['test-run', 'update'])('%s refuses a manifest that lists a path outside the kernel', async (command) => {
    const manifest = {
      generator: { name: 'create-clustera-kernel', version: '0.1.0' },
      answers: { name: 'broken-manifest', kind: 'basic', topic: 't', group: 'g' },
      files: { '../outside': 'sha256:0' },
    };
    writeFileSync(join(dir, '.clustera-kernel.json'), JSON.stringify(manifest));
    const run = await runCli([command, '--json'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(2);
    expect(JSON.parse(run.stdout).error).toMatch(/lists a path outside the kernel/);
  });
});
