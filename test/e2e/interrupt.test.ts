// Killing the CLI at any moment leaves either no kernel or a complete one, never a half-written directory.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, listTree, makeTempDir, REPO_ROOT, removeDir, spawnCli } from '../helpers/cli.js';

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

describe('interrupting create while the model is generated', () => {
  it('SIGINT exits 130, writes no kernel and leaves no generation directory behind', async () => {
    const cwd = makeTempDir('cck-sigint-model-');
    const tmp = makeTempDir('cck-sigint-tmp-');
    try {
      const schema = join(REPO_ROOT, 'test', 'fixtures', 'schemas', 'order.schema.json');
      const child = execa(
        process.execPath,
        [CLI_BIN, 'typed', '--kind', 'basic', '--schema', schema, '--yes', '--no-install', '--no-git'],
        {
          cwd,
          env: { NO_COLOR: '1', TMPDIR: tmp },
          reject: false,
          all: true,
          stdin: 'ignore',
        },
      );
      // Interrupted once the model's generation (a uv run in a directory of its own) is under way.
      await new Promise<void>((resolve) => {
        child.all?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('Generating the payload model')) resolve();
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode, result.all).toBe(130);
      expect(existsSync(join(cwd, 'typed'))).toBe(false);
      expect(readdirSync(tmp).filter((entry) => entry.startsWith('clustera-model-'))).toEqual([]);
    } finally {
      removeDir(cwd);
      removeDir(tmp);
    }
  }, 120_000);
});
