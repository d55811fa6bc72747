// update runs `uv lock` when it changes pyproject.toml in a kernel with a uv.lock: the kernel's Dockerfile builds with
// `uv sync --locked`, which refuses a lock that no longer matches pyproject.toml.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';
import { createQuietKernel, makeTempDir, removeDir, runCli } from '../helpers/cli.js';

const UV_TIMEOUT_MS = 180_000;

interface UpdateJson {
  ok: boolean;
  files: { path: string; outcome: string }[];
  lock?: { command: string; refreshed: boolean; error?: string };
}

const uv = (args: string[], cwd: string) =>
  execa('uv', args, {
    cwd,
    env: resolveUvEnvironment(process.env, { forbidPythonDownloads: false }),
    reject: false,
    all: true,
    timeout: UV_TIMEOUT_MS,
  });

describe('update and uv.lock', () => {
  let root: string;
  beforeAll(() => {
    root = makeTempDir('cck-update-lock-');
  });
  afterAll(() => removeDir(root));

  /** A kernel locked by uv itself (the runtime from this clone's runtime/ folder). */
  async function lockedKernel(name: string): Promise<string> {
    const dir = await createQuietKernel(root, name);
    const lock = await uv(['lock'], dir);
    if (lock.exitCode !== 0) throw new Error(`uv lock failed: ${lock.all}`);
    return dir;
  }

  it(
    'runs `uv lock` after writing a changed pyproject.toml, so `uv lock --check` passes; the dry run only says so',
    async () => {
      const dir = await lockedKernel('lock-renamed');
      const before = readFileSync(join(dir, 'uv.lock'), 'utf8');
      const dry = await runCli(['update', '--dry-run', '--set', 'name=orders-sink'], { cwd: dir });
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('pyproject.toml would change: update would run `uv lock` in the kernel');
      expect(readFileSync(join(dir, 'uv.lock'), 'utf8')).toBe(before);

      const run = await runCli(['update', '--json', '--set', 'name=orders-sink'], { cwd: dir });
      expect(run.exitCode, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as UpdateJson;
      expect(result.files).toContainEqual(expect.objectContaining({ path: 'pyproject.toml', outcome: 'updated' }));
      expect(result.lock).toEqual({ command: 'uv lock', refreshed: true });
      expect(readFileSync(join(dir, 'uv.lock'), 'utf8')).toContain('name = "orders-sink"');
      const check = await uv(['lock', '--check'], dir);
      expect(check.exitCode, check.all).toBe(0);
    },
    UV_TIMEOUT_MS,
  );

  it('says nothing of uv.lock and leaves it as it was when pyproject.toml stays as it was', async () => {
    const dir = await createQuietKernel(root, 'lock-same');
    writeFileSync(join(dir, 'uv.lock'), 'version = 1\n');
    const run = await runCli(['update', '--json', '--set', 'topic=orders.v2'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as UpdateJson).lock).toBeUndefined();
    expect(run.stderr).not.toContain('uv lock');
    expect(readFileSync(join(dir, 'uv.lock'), 'utf8')).toBe('version = 1\n');
  });

  it('reports a `uv lock` that fails, with uv’s reason, and exits 1 with the update written', async () => {
    const dir = await createQuietKernel(root, 'lock-broken');
    // uv cannot read this lock file, so `uv lock` fails.
    writeFileSync(join(dir, 'uv.lock'), 'version = 1\n');
    const run = await runCli(['update', '--set', 'name=broken-sink'], { cwd: dir });
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const output = run.stdout + run.stderr;
    expect(output).toContain('pyproject.toml changed but `uv lock` failed');
    expect(output).toContain('Failed to parse `uv.lock`');
    expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8')).toContain('name = "broken-sink"');

    const json = await runCli(['update', '--json', '--set', 'name=broken-again'], { cwd: dir });
    expect(json.exitCode).toBe(1);
    const result = JSON.parse(json.stdout) as UpdateJson;
    expect(result.ok).toBe(false);
    expect(result.lock).toMatchObject({ command: 'uv lock', refreshed: false });
    expect(result.lock?.error).toContain('Failed to parse `uv.lock`');
  });
});
