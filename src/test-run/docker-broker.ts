// The Docker route: Apache's single-node KRaft image, published on a free loopback port, removed afterwards.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { findFreePort } from '../infra/free-port.js';
import { waitForKafka } from '../infra/kafka-ready.js';
import type { LocalBroker } from './local-broker.js';

const run = promisify(execFile);

/** `docker run` arguments: the advertised listener names the published host port, so clients outside reach it. */
export function dockerRunArgs(version: string, hostPort: number, name: string): string[] {
  const env = {
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${hostPort}`,
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
  };
  const envArgs = Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
  return [
    'run',
    '-d',
    '--rm',
    '--name',
    name,
    '-p',
    `127.0.0.1:${hostPort}:9092`,
    ...envArgs,
    `apache/kafka:${version}`,
  ];
}

export async function startDockerBroker(version: string, timeoutMs: number): Promise<LocalBroker> {
  const port = await findFreePort();
  const name = `clustera-test-run-${process.pid}-${port}`;
  const started = Date.now();
  await run('docker', dockerRunArgs(version, port, name), { timeout: 10 * 60_000 });
  const stop = async (): Promise<void> => {
    await run('docker', ['rm', '-f', name], { timeout: 30_000 }).catch(() => undefined);
  };
  try {
    await waitForKafka(`127.0.0.1:${port}`, timeoutMs, () => true);
  } catch (error) {
    await stop();
    throw error;
  }
  return { route: 'docker', version, bootstrapServers: `127.0.0.1:${port}`, startupMs: Date.now() - started, stop };
}
