// The published shape: `npm pack` output run through npx, as `npx create-clustera-kernel` runs for a user.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, listTree, makeTempDir, removeDir } from '../helpers/cli.js';

describe('packed package', () => {
  let dir: string;
  let tarball: string;
  beforeAll(async () => {
    dir = makeTempDir('cck-pack-');
    await execa('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: REPO_ROOT });
    const packed = readdirSync(dir).find((file) => file.endsWith('.tgz'));
    expect(packed).toBeDefined();
    tarball = join(dir, packed!);
  }, 120_000);
  afterAll(() => removeDir(dir));

  it('creates a kernel through npx, dotfiles included', async () => {
    const run = await execa(
      'npx',
      [
        '--yes',
        `--package=${tarball}`,
        'create-clustera-kernel',
        'packed-kernel',
        '--kind',
        'database',
        '--yes',
        '--no-install',
        '--no-git',
      ],
      {
        cwd: dir,
        reject: false,
        env: { NO_COLOR: '1' },
      },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const files = listTree(join(dir, 'packed-kernel'));
    expect(files).toEqual(
      expect.arrayContaining([
        '.gitignore',
        '.dockerignore',
        '.env.template',
        'main.py',
        'store.py',
        'tests/conftest.py',
      ]),
    );
    expect(files.some((file) => file.includes('__pycache__') || file.startsWith('dot-'))).toBe(false);
    expect(existsSync(join(dir, 'packed-kernel', '.clustera-kernel.json'))).toBe(true);
  }, 120_000);
});
