// Starts one Kafka broker (PLAINTEXT + SSL) and one PostgreSQL for the whole integration run.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startTestKafkaBroker, type TestKafkaBroker } from '../infra/kafka-broker.js';
import { startPostgres, type PostgresServer } from '../../src/infra/postgres.js';
import { createTestPki, kernelTlsEnv } from '../infra/tls.js';
import type { IntegrationInfra } from './provided.js';

interface Started {
  infra: IntegrationInfra;
  teardown: () => Promise<void>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function startInfrastructure(): Promise<Started> {
  const pkiDir = await mkdtemp(join(tmpdir(), 'clustera-pki-'));
  let broker: TestKafkaBroker | undefined;
  let postgres: PostgresServer | undefined;
  const teardown = async (): Promise<void> => {
    await Promise.allSettled([broker?.stop(), postgres?.destroy()]);
    await rm(pkiDir, { recursive: true, force: true });
  };
  try {
    const pki = await createTestPki(pkiDir);
    // Both start in parallel; waiting for both before judging lets teardown stop whichever did start.
    const [brokerStart, postgresStart] = await Promise.allSettled([
      startTestKafkaBroker({
        tls: { caCertPem: pki.ca.certPem, serverCertPem: pki.server.certPem, serverKeyPem: pki.server.keyPem },
      }),
      startPostgres(),
    ]);
    if (brokerStart.status === 'fulfilled') broker = brokerStart.value;
    if (postgresStart.status === 'fulfilled') postgres = postgresStart.value;
    const failures = [brokerStart, postgresStart].flatMap((result) =>
      result.status === 'rejected' ? [messageOf(result.reason)] : [],
    );
    if (broker === undefined || postgres === undefined) throw new Error(failures.join('\n'));
    console.log(
      `[integration] Kafka ${broker.version} at ${broker.bootstrapServers} (SSL ${broker.sslBootstrapServers}) ready in ${broker.startupMs} ms; PostgreSQL at 127.0.0.1:${postgres.port} in ${postgres.startupMs} ms`,
    );
    return {
      infra: {
        kafka: {
          version: broker.version,
          bootstrapServers: broker.bootstrapServers,
          sslBootstrapServers: broker.sslBootstrapServers ?? '',
          logFile: broker.logFile,
        },
        tls: {
          caCertPem: pki.ca.certPem,
          clientCertPem: pki.client.certPem,
          clientKeyPem: pki.client.keyPem,
          kernelEnv: kernelTlsEnv(pki.ca, pki.client),
        },
        postgres: { url: postgres.url, port: postgres.port },
      },
      teardown,
    };
  } catch (error) {
    await teardown();
    throw error;
  }
}

function warnLoudly(reason: string): void {
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n!! INTEGRATION TESTS SKIPPED: the test infrastructure could not start.\n!! ${reason.split('\n').join('\n!! ')}\n!! Run .ci/provision.sh to install what is missing. In CI (CI=true) this fails the run.\n${bar}\n`,
  );
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    const { infra, teardown } = await startInfrastructure();
    project.provide('infra', infra);
    project.provide('infraSkipReason', '');
    return teardown;
  } catch (error) {
    // In CI a missing piece of infrastructure is a failure, never a skip.
    if (process.env.CI) throw error;
    const reason = messageOf(error);
    warnLoudly(reason);
    project.provide('infra', null);
    project.provide('infraSkipReason', reason);
    return async () => undefined;
  }
}
