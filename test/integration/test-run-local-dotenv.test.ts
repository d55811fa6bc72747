// test-run --local on a kernel whose .env names a remote broker with SASL: the kernel runs on test-run's broker in
// plain text, with none of .env's broker security, as test-run itself connects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/cli.js';
import { infraAvailable, requireInfra } from '../setup/infra.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';
import { testRun, writeDotEnv } from './harness/test-run.js';

const REMOTE_SASL = {
  KAFKA_BOOTSTRAP_SERVERS: 'remote:9092',
  KAFKA_SASL_MECHANISM: 'PLAIN',
  KAFKA_SASL_USERNAME: 'remote-user',
  KAFKA_SASL_PASSWORD: 'remote-secret',
};

describe.skipIf(!infraAvailable())('test-run --local with a .env for a remote broker with SASL', () => {
  let project: KernelProject;

  beforeAll(async () => {
    project = await generateAndInstallKernel('basic');
    writeDotEnv(project.dir, REMOTE_SASL);
  });
  afterAll(() => {
    if (project) removeDir(project.root);
  });

  it('runs the kernel on the local broker in plain text', async () => {
    const run = await testRun(project.dir, ['--local', '--messages', '10', '--timeout', '60']);
    expect(run.result.ok, `${run.result.error}\n${run.result.logTail}`).toBe(true);
    expect(run.result.broker).toMatchObject({ from: 'local', route: 'java' });
    expect(run.stderr).toMatch(/security PLAINTEXT/);
    expect(run.stderr).not.toMatch(/SASL PLAIN/);
  });

  it('runs the kernel on the --bootstrap-server broker in plain text', async () => {
    const servers = requireInfra().kafka.bootstrapServers;
    const run = await testRun(project.dir, ['--local', '--bootstrap-server', servers, '--messages', '10']);
    expect(run.result.ok, `${run.result.error}\n${run.result.logTail}`).toBe(true);
    expect(run.result.broker).toMatchObject({ from: 'flag', bootstrapServers: servers });
    expect(run.stderr).toMatch(/security PLAINTEXT/);
    expect(run.stderr).not.toMatch(/SASL PLAIN/);
  });
});
