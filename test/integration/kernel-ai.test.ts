// The generated `ai` kernel against a real broker and a stand-in LLM API: results, dead letters, retries, fatal errors.
import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeDir } from '../helpers/cli.js';
import { llmError, startFakeLlm, type FakeService, type RecordedRequest } from '../setup/fake-services.js';
import { infraAvailable, requireInfra, uniqueName } from '../setup/infra.js';
import {
  buildWorkload,
  createTopics,
  groupOffsets,
  kafkaClient,
  produce,
  readTopic,
  topicSize,
  type ReadMessage,
} from './harness/kafka.js';
import { exitCodeWithin, startKernel, type KernelProcess } from './harness/kernel-process.js';
import { expectCommittedToEnd, expectDeadLetters, locate, type Source } from './harness/expectations.js';
import { kernelEnv } from './harness/kernel-env.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';

const PARTITIONS = 3;
const OPENAI_API_KEY = 'it-llm-key';
const MODEL_NAME = 'it-model';
const payload = (i: number) => ({ id: `req-${i}`, text: `hello ${i}` });

interface Result {
  source_topic: string;
  source_partition: number;
  source_offset: number;
  id: string;
  model: string;
  result: string;
}

/** Exactly one result per expected key, pointing at its source message and carrying the model's reply. */
function expectResults(
  results: ReadMessage[],
  topic: string,
  sources: Map<string, Source>,
  expected: string[],
  tail: string,
): void {
  expect(results.map((m) => m.key).sort(), `keys of the results\n${tail}`).toEqual([...expected].sort());
  for (const message of results) {
    const source = sources.get(message.key ?? '')!;
    const result = JSON.parse(message.value?.toString('utf8') ?? '') as Result;
    expect(result, `result for ${message.key}`).toEqual({
      source_topic: topic,
      source_partition: source.partition,
      source_offset: source.offset,
      id: `req-${source.index}`,
      model: MODEL_NAME,
      result: `processed: hello ${source.index}`,
    });
  }
}

function lastUserText(request: RecordedRequest | undefined): string {
  const body = JSON.parse(request?.body ?? '{}') as { messages?: { role: string; content: string }[] };
  return [...(body.messages ?? [])].reverse().find((message) => message.role === 'user')?.content ?? '';
}

// The retry and refusal tests follow one message, so they run one message at a time (the kind's default is 8).
const ONE_AT_A_TIME = { MAX_IN_FLIGHT: '1' };

describe.skipIf(!infraAvailable())('generated ai kernel', () => {
  let project: KernelProject;
  let kafka: Kafka;
  let llm: FakeService;
  const running: KernelProcess[] = [];

  beforeAll(async () => {
    kafka = kafkaClient(requireInfra().kafka.bootstrapServers);
    llm = await startFakeLlm();
    project = await generateAndInstallKernel('ai');
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((kernel) => kernel.stop()));
    llm.reset();
  });

  afterAll(async () => {
    await llm?.close();
    if (project) removeDir(project.root);
  });

  async function prepare(count: number, malformedAt: number[] = []) {
    const topic = uniqueName('it-ai');
    const dlq = `${topic}.dlq`;
    const output = `${topic}.results`;
    const group = uniqueName('it-ai-group');
    await createTopics(kafka, [
      { topic, partitions: PARTITIONS },
      { topic: dlq, partitions: 1 },
      { topic: output, partitions: 1 },
    ]);
    return { topic, dlq, output, group, workload: buildWorkload(count, PARTITIONS, malformedAt, payload) };
  }

  function launch(
    topics: { topic: string; dlq: string; output: string; group: string },
    extra: Record<string, string> = {},
  ): KernelProcess {
    const kernel = startKernel(
      project.dir,
      kernelEnv(
        requireInfra().kafka.bootstrapServers,
        { topic: topics.topic, group: topics.group, dlq: topics.dlq },
        {
          OUTPUT_TOPIC: topics.output,
          OPENAI_API_KEY,
          OPENAI_BASE_URL: `${llm.url}/v1`,
          MODEL_NAME,
          ...extra,
        },
      ),
    );
    running.push(kernel);
    return kernel;
  }

  it('publishes one result per message for 1,000 messages and dead-letters the 3 malformed ones', async () => {
    const malformedAt = [3, 500, 997];
    const topics = await prepare(1000, malformedAt);
    const { topic, dlq, output, group, workload } = topics;
    await produce(kafka, topic, workload);
    const kernel = launch(topics);

    await expectCommittedToEnd(kafka, kernel, group, topic, 1000);

    const sources = await locate(kafka, topic, 1000);
    const valid = workload.filter((_, i) => !malformedAt.includes(i)).map((m) => m.key);
    expectResults(await readTopic(kafka, output, 997, 60_000), topic, sources, valid, kernel.tail());
    expect(await topicSize(kafka, output), 'results published').toBe(997);
    expect(llm.requests.length, `one model call per valid message\n${kernel.tail()}`).toBe(997);
    for (const request of llm.requests) {
      expect([
        request.path,
        request.headers.authorization,
        (JSON.parse(request.body) as { model: string }).model,
      ]).toEqual(['/v1/chat/completions', `Bearer ${OPENAI_API_KEY}`, MODEL_NAME]);
    }

    const dead = await readTopic(kafka, dlq, 3, 30_000);
    expectDeadLetters(
      dead,
      sources,
      malformedAt.map((i) => `key-${i}`),
      topic,
      group,
      kernel.tail(),
    );
    expect(await topicSize(kafka, dlq), 'dead letters').toBe(3);
  });

  it('retries rate limits and server errors until the model answers, skipping nothing', async () => {
    llm.plan(llmError(429, 'rate limited', { 'retry-after': '1' }), llmError(500, 'boom'), llmError(503, 'overloaded'));
    const topics = await prepare(30);
    const { topic, dlq, output, group, workload } = topics;
    await produce(kafka, topic, workload);
    const kernel = launch(topics, {
      ...ONE_AT_A_TIME,
      MAX_ATTEMPTS: '30',
      RETRY_BACKOFF_MS: '50',
      RETRY_BACKOFF_MAX_MS: '2000',
    });

    await expectCommittedToEnd(kafka, kernel, group, topic, 30);

    const retried = lastUserText(llm.requests[0]);
    expect(
      [0, 1, 2, 3].map((i) => lastUserText(llm.requests[i])),
      `the failing message is asked again until it succeeds\n${kernel.tail()}`,
    ).toEqual([retried, retried, retried, retried]);
    expect(llm.requests.length, 'model calls: 30 plus 3 failed attempts').toBe(33);
    const sources = await locate(kafka, topic, 30);
    expectResults(
      await readTopic(kafka, output, 30, 30_000),
      topic,
      sources,
      workload.map((m) => m.key),
      kernel.tail(),
    );
    expect(await topicSize(kafka, output), 'results published').toBe(30);
    expect(await topicSize(kafka, dlq), 'dead letters').toBe(0);
  });

  it('stops with exit 1 when the model refuses the key, without committing the message, and answers it after a restart', async () => {
    const topics = await prepare(60);
    const { topic, dlq, output, group, workload } = topics;
    // The first half is answered before the API starts refusing, so the refused message sits mid-partition.
    const first = launch(topics, ONE_AT_A_TIME);
    await produce(kafka, topic, workload.slice(0, 30));
    await expectCommittedToEnd(kafka, first, group, topic, 30);
    const refusedAt = llm.requests.length;
    llm.plan(llmError(401, 'Incorrect API key provided'));
    await produce(kafka, topic, workload.slice(30));

    expect(await exitCodeWithin(first, 60_000), `exit code after a 401\n${first.tail()}`).toBe(1);
    expect(llm.requests.length, `the kernel stops at the refused message\n${first.tail()}`).toBe(refusedAt + 1);
    expect(await topicSize(kafka, output), 'results published before the refusal').toBe(30);

    const sources = await locate(kafka, topic, 60);
    const refusedKey = `key-${lastUserText(llm.requests[refusedAt]).replace('hello ', '')}`;
    const refused = sources.get(refusedKey);
    expect(refused, `refused message ${refusedKey}`).toBeDefined();
    const afterFailure = await groupOffsets(kafka, group, topic);
    // Everything before the refused message was finished and committed; the refused one was not.
    expect(
      afterFailure.committed[refused!.partition],
      `committed offset of partition ${refused!.partition}, refused offset ${refused!.offset}\n${first.tail()}`,
    ).toBe(refused!.offset);

    const second = launch(topics, ONE_AT_A_TIME);
    await expectCommittedToEnd(kafka, second, group, topic, 60);
    expect(
      llm.requests.slice(refusedAt + 1).map(lastUserText),
      `the refused message is asked again\n${second.tail()}`,
    ).toContain(`hello ${refused!.index}`);
    expectResults(
      await readTopic(kafka, output, 60, 30_000),
      topic,
      sources,
      workload.map((m) => m.key),
      second.tail(),
    );
    expect(await topicSize(kafka, output), 'results published').toBe(60);
    expect(await second.stop(), `graceful exit code\n${second.tail()}`).toBe(0);
    expect(await topicSize(kafka, dlq), 'dead letters').toBe(0);
  });
});
