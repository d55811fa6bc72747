// `create --test-run`: the new kernel is installed and test-run right away; a failed run keeps it and says how to retry.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, runCli } from '../helpers/cli.js';
import { requireInfra, sharedInfra } from '../setup/infra.js';
import { cleanEnv } from './harness/test-run.js';

describe.skipIf(!sharedInfra())('create --test-run', () => {
  it('creates, installs and test-runs a kernel against the broker named in the environment', async () => {
    const root = makeTempDir('cck-create-tr-');
    try {
      const env = { ...cleanEnv(), KAFKA_BOOTSTRAP_SERVERS: requireInfra().kafka.bootstrapServers };
      const run = await runCli(['tr-basic', '--kind', 'basic', '--yes', '--no-git', '--test-run', '--json'], {
        cwd: root,
        env,
      });
      expect(run.exitCode, run.stderr).toBe(0);
      const json = JSON.parse(run.stdout) as {
        ok: boolean;
        command: string;
        testRun: { ok: boolean; broker: { from: string }; messages: { processed: number } };
      };
      expect(json).toMatchObject({
        ok: true,
        command: 'create',
        testRun: { ok: true, broker: { from: 'environment' }, messages: { processed: 100 } },
      });
    } finally {
      removeDir(root);
    }
  });

  it('keeps the kernel and prints the command to retry when the test-run fails', async () => {
    const root = makeTempDir('cck-create-tr-');
    try {
      const env = { ...cleanEnv(), KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1' };
      const run = await runCli(['tr-fail', '--kind', 'basic', '--yes', '--no-git', '--no-install', '--test-run'], {
        cwd: root,
        env,
      });
      expect(run.exitCode).toBe(1);
      const dir = join(root, 'tr-fail');
      expect(existsSync(join(dir, 'main.py'))).toBe(true);
      expect(run.stdout).toContain(`npx create-clustera-kernel test-run "${dir}"`);
      expect(run.stdout).toMatch(/test-run FAILED: Could not connect to Kafka at 127\.0\.0\.1:1 \(from environment\)/);
    } finally {
      removeDir(root);
    }
  });
});
