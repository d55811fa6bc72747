// check, update and test-run without a directory, from inside a kernel's subdirectory: they find the kernel above,
// as git finds its repository; a directory outside every kernel is still refused with exit 2.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuietKernel, makeTempDir, removeDir, runCli } from '../helpers/cli.js';

describe('commands run from a kernel subdirectory', () => {
  let root: string;
  let kernel: string;
  beforeAll(async () => {
    root = makeTempDir('cck-subdir-');
    kernel = await createQuietKernel(root, 'nested');
  });
  afterAll(() => removeDir(root));

  it('check and update --dry-run from tests/ work on the kernel', async () => {
    const tests = join(kernel, 'tests');
    const check = await runCli(['check', '--json'], { cwd: tests });
    expect(check.exitCode, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ ok: true, directory: kernel, current: true });
    const update = await runCli(['update', '--dry-run', '--json'], { cwd: tests });
    expect(update.exitCode, update.stderr).toBe(0);
    expect(JSON.parse(update.stdout)).toMatchObject({ ok: true, directory: kernel, dryRun: true });
  });

  it('test-run from observability/ reads the kernel and its .env', async () => {
    writeFileSync(join(kernel, '.env'), 'KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1\nKAFKA_CA_CERT=garbage!!not-base64\n');
    const run = await runCli(['test-run', '--json'], {
      cwd: join(kernel, 'observability'),
      env: { KAFKA_BOOTSTRAP_SERVERS: '', CI: '1' },
    });
    // Stopped by the kernel's own bad setting, so it found the kernel; not "not a kernel directory".
    expect(JSON.parse(run.stdout)).toMatchObject({
      directory: kernel,
      exitCode: 1,
      error: expect.stringMatching(/^KAFKA_CA_CERT must be the base64 encoding/),
    });
  });

  it('a directory outside every kernel is refused with exit 2', async () => {
    const check = await runCli(['check'], { cwd: root });
    expect(check.exitCode).toBe(2);
    expect(check.stderr).toContain('has no .clustera-kernel.json');
  });
});
