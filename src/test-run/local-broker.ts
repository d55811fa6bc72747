// An ephemeral broker for a test-run with no configured one, by the first route this machine offers.
import { FailureError } from '../errors.js';
import { kafkaVersion } from '../infra/kafka-version.js';
import { chooseBrokerRoute, noRouteMessage, probeBrokerRoutes } from './broker-route.js';

export interface LocalBroker {
  route: 'docker' | 'java';
  version: string;
  bootstrapServers: string;
  startupMs: number;
  stop(): Promise<void>;
}

export async function startLocalBroker(timeoutMs: number): Promise<LocalBroker> {
  const probe = await probeBrokerRoutes();
  const route = chooseBrokerRoute(probe);
  const version = kafkaVersion();
  if (route === 'none') throw new FailureError(noRouteMessage(probe));
  if (route === 'docker') {
    const { startDockerBroker } = await import('./docker-broker.js');
    return startDockerBroker(version, timeoutMs);
  }
  const { startKafkaBroker } = await import('../infra/kafka-broker.js');
  const broker = await startKafkaBroker({ version, startTimeoutMs: timeoutMs });
  return {
    route: 'java',
    version: broker.version,
    bootstrapServers: broker.bootstrapServers,
    startupMs: broker.startupMs,
    stop: broker.stop,
  };
}
