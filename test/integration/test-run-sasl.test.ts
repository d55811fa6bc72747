// test-run over SASL_SSL (PLAIN, CA from .env as base64): a broker of its own, since the suite's has no SASL listener.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestKafkaBroker, type TestKafkaBroker } from '../infra/kafka-broker.js';
import { createTestPki, kernelTlsEnv, type TestPki } from '../infra/tls.js';
import { removeDir } from '../helpers/cli.js';
import { infraAvailable } from '../setup/infra.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';
import { testRun, writeDotEnv } from './harness/test-run.js';

const USER = { username: 'kernel', password: 'kernel-secret' };

describe.skipIf(!infraAvailable())('test-run over SASL_SSL', () => {
  let broker: TestKafkaBroker;
  let pki: TestPki;
  let project: KernelProject;
  const pkiDir = mkdtempSync(join(tmpdir(), 'cck-sasl-pki-'));

  beforeAll(async () => {
    pki = await createTestPki(pkiDir);
    [broker, project] = await Promise.all([
      startTestKafkaBroker({
        tls: { caCertPem: pki.ca.certPem, serverCertPem: pki.server.certPem, serverKeyPem: pki.server.keyPem },
        sasl: USER,
      }),
      generateAndInstallKernel('basic'),
    ]);
  });
  afterAll(async () => {
    await broker?.stop();
    if (project) removeDir(project.root);
    rmSync(pkiDir, { recursive: true, force: true });
  });

  const saslEnv = (password: string) => ({
    KAFKA_BOOTSTRAP_SERVERS: broker.saslSslBootstrapServers ?? '',
    KAFKA_CA_CERT: kernelTlsEnv(pki.ca, pki.client).KAFKA_CA_CERT,
    KAFKA_SASL_MECHANISM: 'PLAIN',
    KAFKA_SASL_USERNAME: USER.username,
    KAFKA_SASL_PASSWORD: password,
  });

  it('passes with the SASL user from .env', async () => {
    writeDotEnv(project.dir, saslEnv(USER.password));
    const run = await testRun(project.dir, ['--messages', '20']);
    expect(run.result.ok, run.stderr).toBe(true);
    expect(run.result.messages.processed).toBe(20);
    expect(run.stderr).toMatch(/security TLS with hostname verification, SASL PLAIN/);
  });

  it('fails with one sentence when the password is wrong', async () => {
    writeDotEnv(project.dir, saslEnv('wrong'));
    const run = await testRun(project.dir, ['--messages', '1', '--timeout', '20']);
    expect(run.exitCode).toBe(1);
    expect(run.result.error).toMatch(
      /^Could not connect to Kafka at 127\.0\.0\.1:\d+ \(from \.env\): .*(SASL|[Aa]uthentication)/,
    );
  });
});
