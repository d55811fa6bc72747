// The tests' and benches' broker: test-run's local broker plus an SSL listener, a SASL_SSL one, or a proxy in front.
import { findFreePorts } from '../../src/infra/free-port.js';
import { type KafkaBroker, startKafkaBroker } from '../../src/infra/kafka-broker.js';
import type { BrokerPorts } from '../../src/infra/kafka-config.js';
import {
  type BrokerSaslUser,
  type ListenerPorts,
  type ListenerTlsPems,
  listenerProperties,
} from './kafka-listeners.js';

export interface TestKafkaBrokerOptions {
  version?: string;
  tls?: ListenerTlsPems;
  /** With tls: a SASL_SSL listener accepting this PLAIN user. */
  sasl?: BrokerSaslUser;
  autoCreateTopics?: boolean;
  startTimeoutMs?: number;
  /** Starts something in front of the PLAINTEXT port (a latency proxy) and returns the port clients should use. */
  frontPlaintext?: (brokerPort: number) => Promise<number>;
}

export interface TestKafkaBroker extends KafkaBroker {
  sslBootstrapServers?: string;
  saslSslBootstrapServers?: string;
}

/** Two more free ports, never the broker's own. */
async function twoMorePorts(taken: BrokerPorts): Promise<[number, number]> {
  const [ssl, saslSsl] = (await findFreePorts(4)).filter(
    (port) => port !== taken.plaintext && port !== taken.controller,
  );
  if (ssl === undefined || saslSsl === undefined) throw new Error('No free loopback ports');
  return [ssl, saslSsl];
}

export async function startTestKafkaBroker(options: TestKafkaBrokerOptions = {}): Promise<TestKafkaBroker> {
  let listeners: ListenerPorts | undefined;
  const broker = await startKafkaBroker({
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.autoCreateTopics === undefined ? {} : { autoCreateTopics: options.autoCreateTopics }),
    ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
    async extraProperties(ports) {
      const [ssl, saslSsl] = await twoMorePorts(ports);
      const advertisedPlaintext = options.frontPlaintext ? await options.frontPlaintext(ports.plaintext) : undefined;
      listeners = {
        ...ports,
        ...(advertisedPlaintext === undefined ? {} : { advertisedPlaintext }),
        ...(options.tls ? { ssl } : {}),
        ...(options.tls && options.sasl ? { saslSsl } : {}),
      };
      return listenerProperties({
        ports: listeners,
        ...(options.tls ? { tls: options.tls } : {}),
        ...(options.sasl ? { sasl: options.sasl } : {}),
      });
    },
  });
  return {
    ...broker,
    ...(listeners?.ssl === undefined ? {} : { sslBootstrapServers: `127.0.0.1:${listeners.ssl}` }),
    ...(listeners?.saslSsl === undefined ? {} : { saslSslBootstrapServers: `127.0.0.1:${listeners.saslSsl}` }),
  };
}
