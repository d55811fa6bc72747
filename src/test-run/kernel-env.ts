// The kernel's environment under test-run: .env as test-run read it beneath the environment, then test-run's own
// settings, and the kernel told not to read .env again, so what test-run resolved is what the kernel runs with.
import { IGNORE_DOTENV } from '../facts.js';
import { dotEnvBeneath } from './settings.js';

// What a plaintext broker must not get from .env or the environment: test-run does not use them either.
const SECURITY_VARIABLES = [
  'KAFKA_CA_CERT',
  'KAFKA_CLIENT_CERT',
  'KAFKA_CLIENT_KEY',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
];

export interface KernelSettings {
  fileEnv: Record<string, string>;
  /** A local broker or --local: the security variables are handed over empty. */
  plaintext: boolean;
  bootstrapServers: string[];
  /** The kind's dependency: a stand-in's address, the output topic. */
  services: Record<string, string>;
  topic: string;
  group: string;
  dlqTopic: string;
  healthPort: number;
}

/** The variables the kernel gets on top of the environment it inherits. */
export function kernelEnvironment(
  settings: KernelSettings,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return {
    // The environment wins over .env for the kernel too, as it does for test-run's own settings.
    ...dotEnvBeneath(settings.fileEnv, env),
    [IGNORE_DOTENV]: '1',
    ...(settings.plaintext ? Object.fromEntries(SECURITY_VARIABLES.map((name) => [name, ''])) : {}),
    KAFKA_BOOTSTRAP_SERVERS: settings.bootstrapServers.join(','),
    ...settings.services,
    KAFKA_TOPIC: settings.topic,
    KAFKA_CONSUMER_GROUP: settings.group,
    DLQ_TOPIC: settings.dlqTopic,
    KAFKA_AUTO_OFFSET_RESET: 'earliest',
    // Its own port: /readyz says when to produce, /metrics gives the processing-time percentiles.
    HEALTH_PORT: String(settings.healthPort),
  };
}
