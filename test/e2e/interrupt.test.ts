// Killing the CLI at any moment leaves either no kernel or a complete one, never a half-written directory.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTree, makeTempDir, removeDir, spawnCli } from '../helpers/cli.js';

const DELAYS_MS = [0, 40, 80, 120, 160, 200, 260, 320, 400, 500];

describe('interrupting create', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeTempDir('cck-kill-');
  });
  afterAll(() => removeDir(cwd));

  it.each(DELAYS_MS)('SIGKILL after %i ms leaves nothing or everything', async (delay) => {
    const target = `k${delay}`;
    const child = spawnCli([target, '--kind', 'database', '--yes', '--no-install', '--no-git'], cwd);
    await new Promise((resolve) => setTimeout(resolve, delay));
    child.kill('SIGKILL');
    await child;
    const dir = join(cwd, target);
    if (!existsSync(dir)) return;
    const manifest = JSON.parse(readFileSync(join(dir, '.clustera-kernel.json'), 'utf8')) as {
      files: Record<string, string>;
    };
    expect(listTree(dir)).toEqual([...Object.keys(manifest.files), '.clustera-kernel.json'].sort());
  });

  it('SIGINT during create exits 130 or finishes, and never leaves a partial kernel', async () => {
    const child = spawnCli(['sig', '--kind', 'http', '--yes', '--no-install', '--no-git'], cwd);
    setTimeout(() => child.kill('SIGINT'), 150);
    const result = await child;
    const dir = join(cwd, 'sig');
    if (existsSync(dir)) {
      expect(result.exitCode === 0 || result.exitCode === 130).toBe(true);
      const manifest = JSON.parse(readFileSync(join(dir, '.clustera-kernel.json'), 'utf8')) as {
        files: Record<string, string>;
      };
      expect(listTree(dir)).toHaveLength(Object.keys(manifest.files).length + 1);
    } else {
      expect(result.exitCode === 130 || result.signal === 'SIGINT').toBe(true);
    }
  });
});
