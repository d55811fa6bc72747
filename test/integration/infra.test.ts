// Proves the test infrastructure itself: a real broker (plain and mutual TLS) and a real PostgreSQL.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type PostgresServer } from '../../src/infra/postgres.js';
import { createCertificateAuthority } from '../infra/tls.js';
import { llmError, startFakeLlm, startHttpTarget } from '../setup/fake-services.js';
import { infraAvailable, requireInfra, uniqueName } from '../setup/infra.js';

function kafka(config: Omit<KafkaConfig, 'clientId' | 'logLevel'>): Kafka {
  return new Kafka({ clientId: uniqueName('infra-test'), logLevel: logLevel.NOTHING, ...config });
}

// Fails fast: the negative tests expect a refusal, not a retry loop.
const noRetry = { connectionTimeout: 3000, retry: { retries: 0 } };

const decode = (base64: string): string => Buffer.from(base64, 'base64').toString('utf8');

describe.skipIf(!infraAvailable())('Kafka broker', () => {
  it('keeps a broker log through the SLF4J binding', async () => {
    const broker = requireInfra().kafka;
    expect(await readFile(broker.logFile, 'utf8')).toMatch(/Kafka Server started/);
  });

  it('creates a topic, produces, consumes and commits offsets with kafkajs', async () => {
    const client = kafka({ brokers: [requireInfra().kafka.bootstrapServers] });
    const topic = uniqueName('infra-topic');
    const groupId = uniqueName('infra-group');
    const admin = client.admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })).toBe(true);

    const producer = client.producer();
    await producer.connect();
    const sent = Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `message-${i}` }));
    await producer.send({ topic, messages: sent });
    await producer.disconnect();

    // A short fetch wait keeps disconnect() from waiting out a 5 s long poll.
    const consumer = client.consumer({ groupId, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: string[] = [];
    const nextOffsets = new Map<number, string>();
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            received.push(message.value?.toString() ?? '');
            nextOffsets.set(partition, String(Number(message.offset) + 1));
            if (received.length === sent.length) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.commitOffsets([...nextOffsets].map(([partition, offset]) => ({ topic, partition, offset })));
    await consumer.disconnect();

    expect(received.sort()).toEqual(sent.map((m) => m.value).sort());
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    const byPartition = (list: { partition: number; offset: string }[]) =>
      Object.fromEntries(list.map(({ partition, offset }) => [partition, offset]));
    expect(byPartition(committed!.partitions)).toEqual(byPartition(ends));
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it.each(['127.0.0.1', 'localhost'])(
    "serves mutual TLS at %s to the kernel's base64 certificates with hostname verification",
    async (host) => {
      const { kafka: broker, tls } = requireInfra();
      const { kernelEnv } = tls;
      const admin = kafka({
        brokers: [broker.sslBootstrapServers.replace('127.0.0.1', host)],
        ssl: {
          ca: decode(kernelEnv.KAFKA_CA_CERT),
          cert: decode(kernelEnv.KAFKA_CLIENT_CERT),
          key: decode(kernelEnv.KAFKA_CLIENT_KEY),
          rejectUnauthorized: true,
        },
      }).admin();
      await admin.connect();
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toContain(broker.sslBootstrapServers);
      await admin.disconnect();
    },
  );

  describe('refuses TLS clients it must not trust', () => {
    let wrongCaDir: string;
    let wrongCaPem: string;

    beforeAll(async () => {
      wrongCaDir = await mkdtemp(join(tmpdir(), 'clustera-wrong-ca-'));
      wrongCaPem = (await createCertificateAuthority(wrongCaDir, 'unrelated-ca')).certPem;
    });
    afterAll(() => rm(wrongCaDir, { recursive: true, force: true }));

    const connect = (ssl: NonNullable<KafkaConfig['ssl']>) =>
      kafka({ brokers: [requireInfra().kafka.sslBootstrapServers], ssl, ...noRetry })
        .admin()
        .connect();

    it("a client trusting the wrong CA rejects the broker's certificate", async () => {
      const { tls } = requireInfra();
      await expect(connect({ ca: wrongCaPem, cert: tls.clientCertPem, key: tls.clientKeyPem })).rejects.toThrow(
        /certificate/i,
      );
    });

    it("a client checking for another host name rejects the broker's certificate", async () => {
      const { tls } = requireInfra();
      await expect(
        connect({
          ca: tls.caCertPem,
          cert: tls.clientCertPem,
          key: tls.clientKeyPem,
          servername: 'other-host.example',
        }),
      ).rejects.toThrow(/altnames|does not match/i);
    });

    it('the broker refuses a client without a certificate', async () => {
      const { tls } = requireInfra();
      await expect(connect({ ca: tls.caCertPem })).rejects.toThrow(/bad certificate|certificate required/i);
    });
  });
});

describe.skipIf(!infraAvailable())('PostgreSQL', () => {
  it('answers queries on the shared server', async () => {
    const client = new pg.Client({ connectionString: requireInfra().postgres.url });
    await client.connect();
    const { rows } = await client.query<{ answer: number }>('select 6 * 7 as answer');
    await client.end();
    expect(rows[0]?.answer).toBe(42);
  });

  describe('a private server', () => {
    let server: PostgresServer;
    beforeAll(async () => {
      server = await startPostgres();
    });
    afterAll(() => server.destroy());

    const query = async (sql: string): Promise<unknown[]> => {
      const client = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2000 });
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    };

    it('keeps its data across stop and start on the same port', async () => {
      await query('create table events (id int primary key)');
      await query('insert into events values (1), (2)');
      await server.stop();
      await expect(query('select 1')).rejects.toThrow(/ECONNREFUSED/);
      await server.start();
      expect(await query('select count(*)::int as n from events')).toEqual([{ n: 2 }]);
    });
  });
});

describe('stand-ins for the HTTP target and the LLM API', () => {
  it('the LLM answers chat completions, records requests and plays planned failures', async () => {
    const llm = await startFakeLlm();
    try {
      const ask = () =>
        fetch(`${llm.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'm1', messages: [{ role: 'user', content: 'hello' }] }),
        });
      llm.plan(llmError(429, 'slow down', { 'retry-after': '1' }), llmError(500, 'boom'));
      const limited = await ask();
      expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
      expect((await ask()).status).toBe(500);
      const ok = await ask();
      const completion = (await ok.json()) as { model: string; choices: { message: { content: string } }[] };
      expect(completion.model).toBe('m1');
      expect(completion.choices[0]?.message.content).toBe('processed: hello');
      expect(llm.requests).toHaveLength(3);
      expect(llm.requests[0]?.headers.authorization).toBe('Bearer test-key');
    } finally {
      await llm.close();
    }
  });

  it('the HTTP target accepts by default and can drop a connection', async () => {
    const target = await startHttpTarget();
    try {
      target.plan({ dropConnection: true });
      await expect(fetch(`${target.url}/events`, { method: 'POST', body: '{}' })).rejects.toThrow();
      const accepted = await fetch(`${target.url}/events`, { method: 'POST', body: '{"id":1}' });
      expect(accepted.status).toBe(200);
      expect(target.requests.map((r) => [r.method, r.path, r.body])).toEqual([
        ['POST', '/events', '{}'],
        ['POST', '/events', '{"id":1}'],
      ]);
    } finally {
      await target.close();
    }
  });
});
