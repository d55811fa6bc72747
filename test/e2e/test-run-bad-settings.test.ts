// test-run stopped by a bad setting in .env, before any broker is reached: one sentence, and a summary that
// does not claim a broker it never chose.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, runCli } from '../helpers/cli.js';

describe('test-run with bad settings', () => {
  let root: string;
  let dir: string;
  beforeAll(async () => {
    root = makeTempDir('cck-test-run-settings-');
    const created = await runCli(['bad-env', '--kind', 'basic', '--yes', '--no-install', '--no-git'], { cwd: root });
    expect(created.exitCode, created.stderr).toBe(0);
    dir = join(root, 'bad-env');
  });
  afterAll(() => removeDir(root));

  it('a CA certificate that is not base64 fails with one sentence and names no broker', async () => {
    writeFileSync(join(dir, '.env'), 'KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1\nKAFKA_CA_CERT=garbage!!not-base64\n');
    const run = await runCli(['test-run'], { cwd: dir, env: { KAFKA_BOOTSTRAP_SERVERS: '', CI: '1' } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('test-run FAILED: KAFKA_CA_CERT must be the base64 encoding of a PEM file');
    expect(run.stdout).toMatch(/^ {2}broker {5}none: the run stopped before choosing one$/m);
    expect(run.stdout).not.toMatch(/local Kafka|null/);
  });
});
