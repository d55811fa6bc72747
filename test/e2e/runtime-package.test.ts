// clustera-kernel-runtime is tested here, once, as kernels no longer carry its tests: pytest, ruff and mypy strict.
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';
import { REPO_ROOT } from '../helpers/cli.js';

const RUNTIME_DIR = join(REPO_ROOT, 'runtime');

async function inRuntime(command: string, ...args: string[]) {
  return execa('uv', ['run', '--frozen', command, ...args], {
    cwd: RUNTIME_DIR,
    env: resolveUvEnvironment(),
    reject: false,
    all: true,
  });
}

describe('the clustera-kernel-runtime package', () => {
  beforeAll(async () => {
    await execa('uv', ['sync', '--quiet'], { cwd: RUNTIME_DIR, env: resolveUvEnvironment() });
  }, 300_000);

  it('passes its own tests', async () => {
    const run = await inRuntime('pytest', '-q', '-p', 'no:cacheprovider');
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).toMatch(/\d+ passed/);
    expect(run.all).not.toMatch(/failed|error/i);
  }, 300_000);

  it('is clean under ruff check and ruff format --check', async () => {
    const check = await inRuntime('ruff', 'check', '--no-cache');
    expect(check.exitCode, check.all).toBe(0);
    const format = await inRuntime('ruff', 'format', '--check', '--no-cache');
    expect(format.exitCode, format.all).toBe(0);
  });

  it('type-checks under mypy, strict for the package', async () => {
    const run = await inRuntime('mypy');
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).toMatch(/^Success: no issues found/m);
  }, 180_000);
});
