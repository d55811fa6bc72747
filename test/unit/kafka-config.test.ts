import { describe, expect, it } from 'vitest';
import { brokerProperties } from '../../src/infra/kafka-config.js';

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
    const text = brokerProperties({ ...base, ports: { plaintext: 9092, controller: 9093, advertisedPlaintext: 7000 } });
    expect(property(text, 'listeners')).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(property(text, 'advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:7000');
  });
});
