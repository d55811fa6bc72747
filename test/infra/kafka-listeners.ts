// The test broker's listeners beside PLAINTEXT: SSL (mutual TLS), SASL_SSL (PLAIN), and a proxy's advertised port.
import type { BrokerPorts } from '../../src/infra/kafka-config.js';

export interface ListenerPorts extends BrokerPorts {
  /** The port clients are told to use for the PLAINTEXT listener when a proxy sits in front of it. */
  advertisedPlaintext?: number;
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

export interface ListenerInput {
  ports: ListenerPorts;
  tls?: ListenerTlsPems;
  sasl?: BrokerSaslUser;
}

// Java properties read `\n` as a newline, which keeps a multi-line PEM on one line.
function propertyValue(text: string): string {
  return text.trim().replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function listenerSettings({ ports, tls, sasl }: ListenerInput): Record<string, string> {
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

/** The properties that replace the broker's single PLAINTEXT listener with these listeners. */
export function listenerProperties(input: ListenerInput): Record<string, string> {
  return {
    ...listenerSettings(input),
    ...(input.tls === undefined ? {} : sslSettings(input.tls)),
    ...(input.tls === undefined || input.sasl === undefined ? {} : saslSettings(input.sasl)),
  };
}
