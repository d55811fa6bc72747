// test-run's pure parts: the .env reader, where broker settings come from, flags, the local broker's route, samples.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findKind } from '../../src/kinds.js';
import { chooseBrokerRoute, noRouteMessage, parseJavaMajor } from '../../src/test-run/broker-route.js';
import { dockerRunArgs } from '../../src/test-run/docker-broker.js';
import { parseDotEnv } from '../../src/test-run/dot-env.js';
import { circuitSeen, readCircuit } from '../../src/test-run/circuit-watch.js';
import { kernelEnvironment } from '../../src/test-run/kernel-env.js';
import { parseTestRunFlags } from '../../src/test-run/options.js';
import { outageChecks } from '../../src/test-run/outage-window.js';
import { buildMessages, readSamples } from '../../src/test-run/sample-messages.js';
import { brokerSettings, dotEnvBeneath, lookupIn } from '../../src/test-run/settings.js';
import { makeTempDir, removeDir } from '../helpers/cli.js';

const pem = (label: string) =>
  Buffer.from(`-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`).toString('base64');

describe('parseDotEnv', () => {
  it('reads plain, quoted, exported and commented lines', () => {
    const text = [
      '# comment',
      'A=1',
      'export B = two ',
      'C="x # not a comment"',
      "D='single'",
      'E=value # comment',
      'not a line',
      'F=',
      '',
    ].join('\n');
    expect(parseDotEnv(text)).toEqual({ A: '1', B: 'two', C: 'x # not a comment', D: 'single', E: 'value', F: '' });
  });
});

describe('kernelEnvironment', () => {
  const settings = {
    fileEnv: { KAFKA_BOOTSTRAP_SERVERS: 'remote:9092', KAFKA_SASL_MECHANISM: 'PLAIN', LOG_LEVEL: 'DEBUG' },
    plaintext: true,
    bootstrapServers: ['127.0.0.1:9092'],
    services: { API_BASE_URL: 'http://127.0.0.1:1' },
    topic: 'orders.testrun.1',
    group: 'g.testrun.1',
    dlqTopic: 'orders.testrun.1.dlq',
    healthPort: 8080,
  };

  it("hands a plaintext broker's kernel blank TLS and SASL, and tells it not to read .env again", () => {
    expect(kernelEnvironment(settings, {})).toMatchObject({
      KERNEL_IGNORE_DOTENV: '1',
      KAFKA_CA_CERT: '',
      KAFKA_SASL_MECHANISM: '',
      KAFKA_SASL_PASSWORD: '',
      KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
      LOG_LEVEL: 'DEBUG',
      API_BASE_URL: 'http://127.0.0.1:1',
      KAFKA_TOPIC: 'orders.testrun.1',
      HEALTH_PORT: '8080',
    });
  });

  it(".env's security for a configured broker, and only what the environment leaves unset", () => {
    const env = kernelEnvironment({ ...settings, plaintext: false }, { LOG_LEVEL: 'INFO' });
    expect(env).toMatchObject({ KAFKA_SASL_MECHANISM: 'PLAIN', KERNEL_IGNORE_DOTENV: '1' });
    expect(env).not.toHaveProperty('LOG_LEVEL');
    expect(env).not.toHaveProperty('KAFKA_CA_CERT');
  });
});

describe('brokerSettings', () => {
  it('takes the flag first, then the environment, then .env, as the kernel does (python-dotenv, docker compose)', () => {
    const dotEnv = { KAFKA_BOOTSTRAP_SERVERS: 'dotenv:9092' };
    const env = { KAFKA_BOOTSTRAP_SERVERS: 'env:9092' };
    expect(brokerSettings('flag:9092', dotEnv, env)).toMatchObject({ bootstrapServers: ['flag:9092'], from: 'flag' });
    expect(brokerSettings(undefined, dotEnv, env)).toMatchObject({
      bootstrapServers: ['env:9092'],
      from: 'environment',
    });
    expect(brokerSettings(undefined, dotEnv, { KAFKA_BOOTSTRAP_SERVERS: ' ' })).toMatchObject({
      bootstrapServers: ['dotenv:9092'],
      from: '.env',
    });
    expect(brokerSettings(undefined, { KAFKA_BOOTSTRAP_SERVERS: ' ' }, env)).toMatchObject({
      bootstrapServers: ['env:9092'],
      from: 'environment',
    });
    expect(brokerSettings(undefined, {}, {})).toBeUndefined();
  });

  it('reads every setting by the same rule: the environment over .env, an empty value counting as unset', () => {
    const lookup = lookupIn({ A: 'dotenv', B: 'dotenv', C: 'dotenv' }, { A: 'env', B: '' });
    expect([lookup('A'), lookup('B'), lookup('C'), lookup('D')]).toEqual(['env', 'dotenv', 'dotenv', undefined]);
  });

  it("passes the kernel only the .env values the environment leaves unset, so the kernel's own reading agrees", () => {
    expect(dotEnvBeneath({ A: 'dotenv', B: 'dotenv', C: 'dotenv', E: '' }, { A: 'env', B: ' ' })).toEqual({
      B: 'dotenv',
      C: 'dotenv',
    });
  });

  it('decodes the base64 certificates and reads SASL', () => {
    const dotEnv = {
      KAFKA_BOOTSTRAP_SERVERS: 'a:1,b:2',
      KAFKA_CA_CERT: pem('CERTIFICATE'),
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    };
    const settings = brokerSettings(undefined, dotEnv, {});
    expect(settings?.bootstrapServers).toEqual(['a:1', 'b:2']);
    expect(settings?.tls?.ca).toContain('-----BEGIN CERTIFICATE-----');
    expect(settings?.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
  });

  it('rejects bad input in one sentence naming the variable', () => {
    expect(() => brokerSettings('no-port', {}, {})).toThrow(/--bootstrap-server must be host:port/);
    expect(() => brokerSettings('a:1', { KAFKA_CA_CERT: 'bm90IGEgcGVt' }, {})).toThrow(
      /KAFKA_CA_CERT must be the base64 encoding of a PEM file/,
    );
    expect(() => brokerSettings('a:1', { KAFKA_CLIENT_CERT: pem('CERTIFICATE') }, {})).toThrow(/must be set together/);
    expect(() => brokerSettings('a:1', { KAFKA_SASL_MECHANISM: 'GSSAPI' }, {})).toThrow(/KAFKA_SASL_MECHANISM must be/);
  });
});

describe('parseTestRunFlags', () => {
  it('applies the defaults and rejects bad numbers and topics', () => {
    expect(parseTestRunFlags({})).toMatchObject({ messages: 100, timeoutMs: 120_000, keepTopic: false, local: false });
    expect(() => parseTestRunFlags({ messages: '0' })).toThrow(/--messages must be a whole number/);
    expect(() => parseTestRunFlags({ timeout: '1.5' })).toThrow(/--timeout must be a whole number/);
    expect(() => parseTestRunFlags({ topic: 'a b' })).toThrow(/--topic must be a Kafka topic name/);
  });

  it('reads --outage as whole seconds and leaves it out when not given', () => {
    expect(parseTestRunFlags({ outage: '20' }).outageS).toBe(20);
    expect(parseTestRunFlags({})).not.toHaveProperty('outageS');
    expect(() => parseTestRunFlags({ outage: '0' })).toThrow(/--outage must be a whole number from 1 to 3600/);
  });
});

describe("the outage's circuit, read from /metrics", () => {
  /** An exposition as the kernel writes it, with the circuit of `http-api` open or not after `openings`. */
  const exposition = (open: number | undefined, openings: number | undefined) =>
    [
      '# TYPE clustera_kernel_circuit_open gauge',
      ...(open === undefined ? [] : [`clustera_kernel_circuit_open{dependency="http-api"} ${open}.0`]),
      '# TYPE clustera_kernel_circuit_opened counter',
      ...(openings === undefined ? [] : [`clustera_kernel_circuit_opened_total{dependency="http-api"} ${openings}.0`]),
      'clustera_kernel_retries_total 0.0',
    ].join('\n');
  const readings = (states: [number | undefined, number | undefined][]) =>
    states.map(([open, openings], index) => readCircuit(exposition(open, openings), 1000 + index * 250));

  it('counts an opening from before the outage and times it open until the gauge is back at 0', () => {
    const seen = circuitSeen(
      readings([
        [undefined, undefined],
        [1, 1],
        [1, 1],
        [1, 1],
        [0, 1],
        [0, 1],
      ]),
    );
    expect(seen).toEqual({ opened: 1, closed: 1, openSeconds: 0.75, dependencies: ['http-api'] });
  });

  it('counts only the openings during the outage, and one still open as not closed', () => {
    const seen = circuitSeen(
      readings([
        [0, 2],
        [1, 3],
        [0, 3],
        [1, 4],
      ]),
    );
    expect(seen).toEqual({ opened: 2, closed: 1, openSeconds: 0.25, dependencies: ['http-api'] });
    const [opened, closed] = outageChecks({ seconds: 10, backAfterS: 10, circuit: seen }, 0);
    expect(opened).toMatchObject({ ok: true, detail: 'clustera_kernel_circuit_opened_total rose by 2 (http-api)' });
    expect(closed).toMatchObject({
      ok: false,
      detail: 'clustera_kernel_circuit_open still 1 when the kernel was stopped',
    });
  });

  it('fails both checks when the circuit never opened', () => {
    const seen = circuitSeen(
      readings([
        [undefined, undefined],
        [undefined, undefined],
      ]),
    );
    expect(seen).toEqual({ opened: 0, closed: 0, openSeconds: null, dependencies: [] });
    expect(outageChecks({ seconds: 10, backAfterS: 10, circuit: seen }, 0).map((check) => check.ok)).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('passes an opening shorter than a poll as closed', () => {
    const seen = circuitSeen(
      readings([
        [0, 0],
        [0, 1],
      ]),
    );
    expect(seen).toEqual({ opened: 1, closed: 1, openSeconds: null, dependencies: ['http-api'] });
    expect(outageChecks({ seconds: 10, backAfterS: 10, circuit: seen }, 0)[1]).toMatchObject({
      ok: true,
      detail: 'clustera_kernel_circuit_open back to 0 after less than a poll open',
    });
  });
});

describe('local broker route', () => {
  it('prefers a Docker engine that answers, then Java 17 or newer, else none', () => {
    expect(chooseBrokerRoute({ dockerAnswers: true, javaMajor: 21 })).toBe('docker');
    expect(chooseBrokerRoute({ dockerAnswers: true, javaMajor: undefined })).toBe('docker');
    expect(chooseBrokerRoute({ dockerAnswers: false, javaMajor: 17 })).toBe('java');
    expect(chooseBrokerRoute({ dockerAnswers: false, javaMajor: 11 })).toBe('none');
    expect(chooseBrokerRoute({ dockerAnswers: false, javaMajor: undefined })).toBe('none');
  });

  it('names both options when neither is there', () => {
    expect(noRouteMessage({ dockerAnswers: false, javaMajor: 11 })).toMatch(
      /no Docker engine answers, java 11 is older than 17\): start Docker or install Java 17\+/,
    );
    expect(noRouteMessage({ dockerAnswers: false, javaMajor: undefined })).toMatch(/no java on PATH/);
  });

  it('reads the major version of old and new java -version outputs', () => {
    expect(parseJavaMajor('openjdk version "17.0.12" 2024-07-16')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_401"')).toBe(8);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('nothing here')).toBeUndefined();
  });

  it('publishes the Docker broker on a loopback port it also advertises', () => {
    const args = dockerRunArgs('4.3.1', 40123, 'clustera-test-run-1');
    expect(args.slice(0, 6)).toEqual(['run', '-d', '--rm', '--name', 'clustera-test-run-1', '-p']);
    expect(args).toContain('127.0.0.1:40123:9092');
    expect(args).toContain('KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://127.0.0.1:40123');
    expect(args.at(-1)).toBe('apache/kafka:4.3.1');
  });
});

describe('sample messages', () => {
  it('come from tests/sample_messages.jsonl when the kernel has one, else from the kind', () => {
    const kind = findKind('http')!;
    const dir = makeTempDir('cck-samples-');
    try {
      expect(readSamples(dir, kind)).toEqual({
        values: [JSON.stringify(kind.samplePayload)],
        from: "the http kind's sample payload",
      });
      mkdirSync(join(dir, 'tests'));
      writeFileSync(join(dir, 'tests', 'sample_messages.jsonl'), '{"a": 1}\n\n  {"b": 2}  \n');
      const samples = readSamples(dir, kind);
      expect(samples).toEqual({ values: ['{"a": 1}', '{"b": 2}'], from: 'tests/sample_messages.jsonl' });
      const messages = buildMessages(samples, 3, 'run-1');
      expect(messages.map((m) => m.value)).toEqual(['{"a": 1}', '{"b": 2}', '{"a": 1}']);
      expect(messages[2]).toMatchObject({ key: 'test-run-2', headers: { 'clustera-test-run': 'run-1' } });
    } finally {
      removeDir(dir);
    }
  });
});
