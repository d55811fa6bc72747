// An ai kernel with an output schema on the real broker: a valid answer is the published value, with provenance in
// headers; a reply that is not JSON or breaks the schema is asked again MAX_ATTEMPTS times, then dead-lettered.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatResponder, structuredEcho } from '../../src/stand-ins/echo-model.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { startFakeService, type FakeService } from '../setup/fake-services.js';
import { sharedInfra, uniqueName } from '../setup/infra.js';
import { expectCommittedToEnd, locate } from './harness/expectations.js';
import { createTopics, produce, readTopic, topicSize } from './harness/kafka.js';
import { kernelEnv } from './harness/kernel-env.js';
import { useKernelSuite } from './harness/kernel-suite.js';

const SCHEMAS = join(REPO_ROOT, 'test', 'fixtures', 'schemas');
const TOTAL = 20;
const PARTITIONS = 3;
const MODEL_NAME = 'it-model';
// The model misbehaves for these messages only, told apart by a note the request carries.
const BAD: Record<number, { note: string; reply: string; reason: string }> = {
  6: { note: 'answer-not-json', reply: 'Sure! Here is my verdict: positive', reason: 'not-json' },
  13: { note: 'answer-off-schema', reply: '{"label": "maybe", "confidence": 7}', reason: 'schema' },
};

describe.skipIf(!sharedInfra())('ai kernel with an output schema on a real broker', () => {
  const suite = useKernelSuite('ai', 'answers', [
    '--schema',
    join(SCHEMAS, 'order.schema.json'),
    '--output-schema',
    join(SCHEMAS, 'verdict.schema.json'),
  ]);
  let model: FakeService;

  beforeAll(async () => {
    const misbehaving = (text: string, schema: unknown) =>
      Object.values(BAD).find((bad) => text.includes(bad.note))?.reply ?? structuredEcho(text, schema);
    model = await startFakeService(chatResponder((text) => `echo: ${text}`, misbehaving));
  });
  afterAll(() => model?.close());

  it('publishes each valid answer as the value with source headers, and dead-letters bad replies after MAX_ATTEMPTS', async () => {
    const run = await suite.freshRun(PARTITIONS);
    const output = uniqueName('answers-out');
    await createTopics(suite.kafka, [{ topic: output, partitions: 1 }]);
    const [sample] = readFileSync(join(suite.project.dir, 'tests', 'sample_messages.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const payloads = Array.from({ length: TOTAL }, (_, i) => ({ ...sample, note: BAD[i]?.note ?? `message ${i}` }));
    await produce(
      suite.kafka,
      run.topic,
      payloads.map((payload, i) => ({
        key: `key-${i}`,
        partition: i % PARTITIONS,
        value: Buffer.from(JSON.stringify(payload)),
      })),
    );
    const kernel = suite.start(
      kernelEnv(suite.infra.kafka.bootstrapServers, run, {
        OUTPUT_TOPIC: output,
        OPENAI_API_KEY: 'it-llm-key',
        OPENAI_BASE_URL: `${model.url}/v1`,
        MODEL_NAME,
        MAX_ATTEMPTS: '3',
        RETRY_BACKOFF_MS: '20',
        RETRY_BACKOFF_MAX_MS: '100',
      }),
    );

    await expectCommittedToEnd(suite.kafka, kernel, run.group, run.topic, TOTAL);

    const bad = Object.keys(BAD).map(Number);
    const good = TOTAL - bad.length;
    expect(model.requests.length, `one request per good message, 3 per bad one\n${kernel.tail()}`).toBe(good + 3 * 2);
    const requested = JSON.parse(model.requests[0]!.body) as { response_format: { type: string } };
    expect(requested.response_format.type).toBe('json_schema');

    const sources = await locate(suite.kafka, run.topic, TOTAL);
    const answers = await readTopic(suite.kafka, output, good, 30_000);
    expect(answers.map((m) => m.key).sort()).toEqual(
      Array.from({ length: TOTAL }, (_, i) => i)
        .filter((i) => !(i in BAD))
        .map((i) => `key-${i}`)
        .sort(),
    );
    for (const answer of answers) {
      const source = sources.get(answer.key ?? '')!;
      expect(JSON.parse(answer.value?.toString('utf8') ?? ''), `value of ${answer.key}`).toEqual({
        label: 'positive',
        confidence: 0,
        summary: expect.stringMatching(/^echo: \{/),
      });
      expect(answer.headers, `headers of ${answer.key}`).toMatchObject({
        'source.topic': run.topic,
        'source.partition': String(source.partition),
        'source.offset': String(source.offset),
        model: MODEL_NAME,
      });
    }
    expect(await topicSize(suite.kafka, output), 'answers published').toBe(good);

    const dead = await readTopic(suite.kafka, run.dlq, bad.length, 30_000);
    expect(dead.map((m) => m.key).sort()).toEqual(bad.map((i) => `key-${i}`).sort());
    for (const message of dead) {
      const index = Number(message.key?.replace('key-', ''));
      expect(message.headers['dlq.error.class'], `error of ${message.key}`).toBe('AnswerRejected');
      expect(message.headers['dlq.error.message'], `reason of ${message.key}`).toMatch(
        new RegExp(`^answer ${BAD[index]!.reason}: `),
      );
      expect(message.headers['dlq.attempts'], `attempts of ${message.key}`).toBe('3');
    }
    expect(dead.find((m) => m.key === 'key-13')?.headers['dlq.error.message']).toContain('fields: label, confidence');
    expect(await kernel.stop()).toBe(0);
  });
});
