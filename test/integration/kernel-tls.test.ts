// The kernel over mutual TLS with the base64 certificates a Clustera deployment hands it, and a wrong CA refused.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, kernelTlsEnv } from '../infra/tls.js';
import { sharedInfra } from '../setup/infra.js';
import { expectCommittedToEnd, expectDeadLetters, locate } from './harness/expectations.js';
import { buildWorkload, groupOffsets, produce, readTopic } from './harness/kafka.js';
import { kernelEnv } from './harness/kernel-env.js';
import { useKernelSuite } from './harness/kernel-suite.js';

describe.skipIf(!sharedInfra())('kernel over TLS', () => {
  const suite = useKernelSuite('basic', 'tls');

  it('processes 1,000 messages over the SSL listener with hostname verification, dead-letters the 3 malformed ones', async () => {
    const run = await suite.freshRun();
    const malformed = [17, 500, 998];
    const workload = buildWorkload(1000, 3, malformed, (i) => ({ id: `msg-${i}` }));
    await produce(suite.kafka, run.topic, workload);
    const kernel = suite.start(kernelEnv(suite.infra.kafka.sslBootstrapServers, run, { ...suite.infra.tls.kernelEnv }));

    await expectCommittedToEnd(suite.kafka, kernel, run.group, run.topic, 1000);
    expect(
      kernel.output.some((line) => /security TLS with hostname verification, client certificate/.test(line)),
      kernel.tail(),
    ).toBe(true);
    const logged = new Set(kernel.output.flatMap((line) => /key=b'key-(\d+)'/.exec(line)?.[1] ?? []));
    expect(logged.size).toBe(997);
    const sources = await locate(suite.kafka, run.topic, 1000);
    const dead = await readTopic(suite.kafka, run.dlq, 3, 20_000);
    expectDeadLetters(
      dead,
      sources,
      malformed.map((i) => `key-${i}`),
      run.topic,
      run.group,
      kernel.tail(),
    );
    expect(await kernel.stop()).toBe(0);
  });

  it('refuses a broker whose certificate is not signed by the given CA: clear error, non-zero exit, nothing processed', async () => {
    const run = await suite.freshRun();
    await produce(
      suite.kafka,
      run.topic,
      buildWorkload(10, 3, [], (i) => ({ id: `msg-${i}` })),
    );
    const wrongCa = await createCertificateAuthority(mkdtempSync(join(tmpdir(), 'cck-wrong-ca-')), 'unrelated-ca');
    const env = {
      ...suite.infra.tls.kernelEnv,
      KAFKA_CA_CERT: kernelTlsEnv(wrongCa, wrongCa).KAFKA_CA_CERT,
      KAFKA_CONNECT_TIMEOUT_S: '8',
    };
    const kernel = suite.start(kernelEnv(suite.infra.kafka.sslBootstrapServers, run, env));

    const exitCode = await kernel.exited;
    expect(exitCode, kernel.tail()).not.toBe(0);
    expect(kernel.output.join('\n')).toMatch(/certificate verify failed|SSL handshake failed/i);
    expect(kernel.output.filter((line) => /Received /.test(line))).toEqual([]);
    const offsets = await groupOffsets(suite.kafka, run.group, run.topic);
    expect(Object.values(offsets.committed).every((offset) => offset < 0)).toBe(true);
  });
});
