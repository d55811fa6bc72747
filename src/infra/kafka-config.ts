import { kafkaMajor } from './kafka-version.js';

export interface BrokerPorts {
  plaintext: number;
  /** The port clients are told to use for the PLAINTEXT listener when a proxy sits in front of it. */
  advertisedPlaintext?: number;
  controller: number;
  ssl?: number;
  /** SASL_SSL listener (PLAIN over the same server certificate, no client certificate); needs tls. */
  saslSsl?: number;
}

// One PLAIN user the SASL_SSL listener accepts.
export interface BrokerSaslUser {
  username: string;
  password: string;
}

// PEM text for the SSL listener; the broker reads it inline, so no keystore files or passwords are needed.
export interface ListenerTlsPems {
  caCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

export interface BrokerConfigInput {
  version: string;
  ports: BrokerPorts;
  logDir: string;
  tls?: ListenerTlsPems;
  sasl?: BrokerSaslUser;
  autoCreateTopics: boolean;
}

// Java properties read `\n` as a newline, which keeps a multi-line PEM on one line.
function propertyValue(text: string): string {
  return text.trim().replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function listenerSettings({ ports, tls, sasl }: BrokerConfigInput): Record<string, string> {
  const bound = [`PLAINTEXT://127.0.0.1:${ports.plaintext}`];
  if (tls !== undefined && ports.ssl !== undefined) bound.push(`SSL://127.0.0.1:${ports.ssl}`);
  if (tls !== undefined && sasl !== undefined && ports.saslSsl !== undefined)
    bound.push(`SASL_SSL://127.0.0.1:${ports.saslSsl}`);
  const advertised =
    ports.advertisedPlaintext === undefined
      ? bound
      : [`PLAINTEXT://127.0.0.1:${ports.advertisedPlaintext}`, ...bound.slice(1)];
  return {
    listeners: [...bound, `CONTROLLER://127.0.0.1:${ports.controller}`].join(','),
    'advertised.listeners': advertised.join(','),
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
  };
}

function sslSettings(tls: ListenerTlsPems): Record<string, string> {
  return {
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.certificate.chain': propertyValue(tls.serverCertPem),
    'ssl.keystore.key': propertyValue(tls.serverKeyPem),
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.certificates': propertyValue(tls.caCertPem),
    'ssl.client.auth': 'required',
  };
}

// PLAIN's JAAS line quotes its values; the test user's name and password are plain words.
function saslSettings(user: BrokerSaslUser): Record<string, string> {
  return {
    'sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.sasl_ssl.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required user_${user.username}="${user.password}";`,
    // SASL authenticates the client; this listener asks for no client certificate.
    'listener.name.sasl_ssl.ssl.client.auth': 'none',
  };
}

// One node, one partition for every internal topic and few threads: starts in seconds on 2 cores.
function smallAndFastSettings(version: string): Record<string, string> {
  const settings: Record<string, string> = {
    'num.partitions': '1',
    'default.replication.factor': '1',
    'offsets.topic.replication.factor': '1',
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'transaction.state.log.num.partitions': '1',
    'group.initial.rebalance.delay.ms': '0',
    'num.network.threads': '2',
    'num.io.threads': '2',
    'num.recovery.threads.per.data.dir': '1',
    'background.threads': '2',
    // The cleaner's default 128 MiB buffer would take a quarter of the small heap.
    'log.cleaner.dedupe.buffer.size': String(8 * 1024 * 1024),
  };
  if (kafkaMajor(version) >= 4) {
    settings['share.coordinator.state.topic.replication.factor'] = '1';
    settings['share.coordinator.state.topic.min.isr'] = '1';
    settings['share.coordinator.state.topic.num.partitions'] = '1';
  }
  return settings;
}

export function brokerProperties(input: BrokerConfigInput): string {
  const settings: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.voters': `1@127.0.0.1:${input.ports.controller}`,
    ...listenerSettings(input),
    'log.dirs': input.logDir,
    'auto.create.topics.enable': String(input.autoCreateTopics),
    ...smallAndFastSettings(input.version),
    ...(input.tls === undefined ? {} : sslSettings(input.tls)),
    ...(input.tls === undefined || input.sasl === undefined ? {} : saslSettings(input.sasl)),
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}
