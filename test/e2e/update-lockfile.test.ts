// update says when uv.lock no longer matches pyproject.toml: the kernel's Dockerfile builds with `uv sync --locked`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuietKernel, makeTempDir, removeDir, runCli } from '../helpers/cli.js';

const LOCK_HINT = 'run `uv lock` in the kernel so uv.lock matches it';

describe('update and uv.lock', () => {
  let root: string;
  beforeAll(() => {
    root = makeTempDir('cck-update-lock-');
  });
  afterAll(() => removeDir(root));

  async function lockedKernel(name: string): Promise<string> {
    const dir = await createQuietKernel(root, name);
    // Its contents do not matter here: only whether the kernel keeps a lock file.
    writeFileSync(join(dir, 'uv.lock'), 'version = 1\n');
    return dir;
  }

  it('asks for `uv lock` when pyproject.toml changes in a kernel with a uv.lock, in the dry run too', async () => {
    const dir = await lockedKernel('lock-renamed');
    const dry = await runCli(['update', '--dry-run', '--set', 'name=orders-sink'], { cwd: dir });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`pyproject.toml would change: ${LOCK_HINT}`);
    const run = await runCli(['update', '--set', 'name=orders-sink'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/updated\s+pyproject\.toml/);
    expect(run.stdout).toContain(`pyproject.toml changed: ${LOCK_HINT}`);
  });

  it('says nothing of uv.lock when pyproject.toml stays as it was', async () => {
    const dir = await lockedKernel('lock-same');
    const run = await runCli(['update', '--set', 'topic=orders.v2'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/updated\s+main\.py/);
    expect(run.stdout).not.toContain('uv lock');
  });
});
