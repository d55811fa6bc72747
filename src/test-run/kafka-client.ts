// A kafkajs client with the kernel's security settings: decoded PEM, hostname verification on, SASL when set.
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { BrokerSettings } from './settings.js';

export function kafkaFor(
  settings: Pick<BrokerSettings, 'bootstrapServers' | 'tls' | 'sasl'>,
  connectTimeoutMs: number,
): Kafka {
  const config: KafkaConfig = {
    clientId: 'clustera-test-run',
    brokers: settings.bootstrapServers,
    connectionTimeout: Math.min(connectTimeoutMs, 10_000),
    requestTimeout: 15_000,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.NOTHING,
  };
  // SASL credentials never travel in clear text: like the kernel, SASL without certificates still uses TLS.
  if (settings.tls || settings.sasl)
    config.ssl = {
      ...(settings.tls ?? {}),
      ...(settings.tls?.ca ? { ca: [settings.tls.ca] } : {}),
      rejectUnauthorized: true,
    };
  // kafkajs types each mechanism separately; the three share one shape.
  if (settings.sasl) config.sasl = settings.sasl as SASLOptions;
  return new Kafka(config);
}
