// The kernel over mutual TLS with the base64 certificates a Clustera deployment hands it, and a wrong CA refused.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, kernelTlsEnv } from '../../src/infra/tls.js';
import { buildWorkload, createTopics, groupOffsets, kafkaClient, produce, readTopic } from './harness/kafka.js';
import { expectCommittedToEnd, expectDeadLetters, locate } from './harness/expectations.js';
import { kernelEnv, type KernelRun } from './harness/kernel-env.js';
import { startKernel, type KernelProcess } from './harness/kernel-process.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';
import { removeDir } from '../helpers/cli.js';
import { requireInfra, sharedInfra, uniqueName } from '../setup/infra.js';
import type { IntegrationInfra } from '../setup/provided.js';


describe.skipIf(!sharedInfra())('kernel over TLS', () => {
  let infra: IntegrationInfra;
  let kafka: Kafka;
  let project: KernelProject;
  const running: KernelProcess[] = [];

  const freshRun = async (): Promise<KernelRun> => {
    const run = { topic: uniqueName('tls-in'), group: uniqueName('tls-group'), dlq: uniqueName('tls-dlq') };
    await createTopics(kafka, [{ topic: run.topic, partitions: 3 }, { topic: run.dlq, partitions: 1 }]);
    return run;
  };

  beforeAll(async () => {
    infra = requireInfra();
    kafka = kafkaClient(infra.kafka.bootstrapServers);
    project = await generateAndInstallKernel('basic');
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((kernel) => kernel.stop()));
  });
  afterAll(() => removeDir(project.root));

  it('processes 1,000 messages over the SSL listener with hostname verification, dead-letters the 3 malformed ones', async () => {
    const run = await freshRun();
    const malformed = [17, 500, 998];
    const workload = buildWorkload(1000, 3, malformed, (i) => ({ id: `msg-${i}` }));
    await produce(kafka, run.topic, workload);
    const kernel = startKernel(project.dir, kernelEnv(infra.kafka.sslBootstrapServers, run, { ...infra.tls.kernelEnv }));
    running.push(kernel);

    await expectCommittedToEnd(kafka, kernel, run.group, run.topic, 1000);
    expect(kernel.output.some((line) => /security TLS with hostname verification, client certificate/.test(line)), kernel.tail()).toBe(true);
    const logged = new Set(kernel.output.flatMap((line) => /key=b'key-(\d+)'/.exec(line)?.[1] ?? []));
    expect(logged.size).toBe(997);
    const sources = await locate(kafka, run.topic, 1000);
    const dead = await readTopic(kafka, run.dlq, 3, 20_000);
    expectDeadLetters(dead, sources, malformed.map((i) => `key-${i}`), run.topic, run.group, kernel.tail());
    expect(await kernel.stop()).toBe(0);
  });

  it('refuses a broker whose certificate is not signed by the given CA: clear error, non-zero exit, nothing processed', async () => {
    const run = await freshRun();
    await produce(kafka, run.topic, buildWorkload(10, 3, [], (i) => ({ id: `msg-${i}` })));
    const wrongCa = await createCertificateAuthority(mkdtempSync(join(tmpdir(), 'cck-wrong-ca-')), 'unrelated-ca');
    const env = { ...infra.tls.kernelEnv, KAFKA_CA_CERT: kernelTlsEnv(wrongCa, wrongCa).KAFKA_CA_CERT, KAFKA_CONNECT_TIMEOUT_S: '8' };
    const kernel = startKernel(project.dir, kernelEnv(infra.kafka.sslBootstrapServers, run, env));
    running.push(kernel);

    const exitCode = await kernel.exited;
    expect(exitCode, kernel.tail()).not.toBe(0);
    expect(kernel.output.join('\n')).toMatch(/certificate verify failed|SSL handshake failed/i);
    expect(kernel.output.filter((line) => /Received /.test(line))).toEqual([]);
    const offsets = await groupOffsets(kafka, run.group, run.topic);
    expect(Object.values(offsets.committed).every((offset) => offset < 0)).toBe(true);
  });
});
