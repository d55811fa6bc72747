import { describe, expect, it } from 'vitest';
import { brokerProperties } from '../../src/infra/kafka-config.js';
import { listenerProperties } from '../infra/kafka-listeners.js';

const property = (text: string, name: string) =>
  text
    .split('\n')
    .find((line) => line.startsWith(`${name}=`))
    ?.slice(name.length + 1);

describe('brokerProperties listeners', () => {
  const base = { version: '4.3.1', logDir: '/tmp/data', autoCreateTopics: false };

  it('advertises the port it binds', () => {
    const text = brokerProperties({ ...base, ports: { plaintext: 9092, controller: 9093 } });
    expect(property(text, 'listeners')).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(property(text, 'advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:9092');
  });

  it('binds its own port but sends clients to the proxy in front of it', () => {
    const ports = { plaintext: 9092, controller: 9093 };
    const extra = listenerProperties({ ports: { ...ports, advertisedPlaintext: 7000 } });
    const text = brokerProperties({ ...base, ports, extra });
    expect(property(text, 'listeners')).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(property(text, 'advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:7000');
  });

  it('adds the SSL and SASL_SSL listeners beside PLAINTEXT, each key once', () => {
    const ports = { plaintext: 9092, controller: 9093 };
    const tls = { caCertPem: 'ca', serverCertPem: 'cert', serverKeyPem: 'key' };
    const extra = listenerProperties({
      ports: { ...ports, ssl: 9094, saslSsl: 9095 },
      tls,
      sasl: { username: 'u', password: 'p' },
    });
    const text = brokerProperties({ ...base, ports, extra });
    expect(property(text, 'listeners')).toBe(
      'PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9094,SASL_SSL://127.0.0.1:9095,CONTROLLER://127.0.0.1:9093',
    );
    expect(property(text, 'sasl.enabled.mechanisms')).toBe('PLAIN');
    const keys = text
      .trim()
      .split('\n')
      .map((line) => line.split('=')[0]);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
