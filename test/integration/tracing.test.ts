// Tracing on a real broker with a real trace backend (Jaeger, started here): a message produced with a traceparent
// goes through an `ai` kernel and then a `basic` kernel reading its OUTPUT_TOPIC, and Jaeger returns ONE trace with
// the producer's span, both consumer spans, the model call and the output produce, each under the right parent.
// A message that dead-letters shows the decision as a span event, and its dead letter names the trace.
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureJaeger, type JaegerServer, startJaeger } from '../infra/jaeger.js';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';
import { removeDir } from '../helpers/cli.js';
import { type FakeService, startFakeLlm } from '../setup/fake-services.js';
import { infraAvailable, requireInfra, uniqueName } from '../setup/infra.js';
import { createTopics, kafkaClient, readTopic, waitForCommittedToEnd } from './harness/kafka.js';
import { kernelEnv } from './harness/kernel-env.js';
import { startKernel, type KernelProcess } from './harness/kernel-process.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; spanID: string }[];
  processID: string;
  tags: { key: string; value: unknown }[];
  logs: { fields: { key: string; value: unknown }[] }[];
}

interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** Reports the test's own producer span to Jaeger over OTLP/HTTP JSON, as an instrumented producer would. */
async function reportProducerSpan(jaeger: JaegerServer, traceId: string, spanId: string, topic: string) {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'it-producer' } }] },
        scopeSpans: [
          {
            scope: { name: 'it' },
            spans: [
              {
                traceId,
                spanId,
                name: `send ${topic}`,
                kind: 4,
                startTimeUnixNano: String(nowNs - 1_000_000n),
                endTimeUnixNano: String(nowNs),
                attributes: [{ key: 'messaging.system', value: { stringValue: 'kafka' } }],
              },
            ],
          },
        ],
      },
    ],
  };
  const response = await fetch(`${jaeger.otlpHttpEndpoint}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.ok, await response.text()).toBe(true);
}

async function fetchTraces(jaeger: JaegerServer, traceId: string): Promise<JaegerTrace[]> {
  const response = await fetch(`${jaeger.queryUrl}/api/traces/${traceId}`);
  if (!response.ok) return [];
  return ((await response.json()) as { data: JaegerTrace[] | null }).data ?? [];
}

/** Waits until the trace holds at least `spans` spans (exporters send in batches). */
async function waitForTrace(jaeger: JaegerServer, traceId: string, spans: number): Promise<JaegerTrace[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const traces = await fetchTraces(jaeger, traceId);
    if ((traces[0]?.spans.length ?? 0) >= spans || Date.now() > deadline) return traces;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const parentOf = (span: JaegerSpan) => span.references.find((r) => r.refType === 'CHILD_OF')?.spanID;
const tag = (span: JaegerSpan, key: string) => span.tags.find((t) => t.key === key)?.value;

describe.skipIf(!infraAvailable())('tracing across kernels on a real broker and Jaeger', () => {
  let jaeger: JaegerServer;
  let llm: FakeService;
  let ai: KernelProject;
  let basic: KernelProject;
  let kafka: Kafka;
  const running: KernelProcess[] = [];

  beforeAll(async () => {
    // On a fresh machine the build provision started in the background may still be running: wait for its binary.
    jaeger = await startJaeger(await ensureJaeger());
    llm = await startFakeLlm();
    kafka = kafkaClient(requireInfra().kafka.bootstrapServers);
    [ai, basic] = await Promise.all([generateAndInstallKernel('ai'), generateAndInstallKernel('basic')]);
    for (const project of [ai, basic]) {
      const synced = await execa('uv', ['sync', '--group', 'tracing'], {
        cwd: project.dir,
        env: resolveUvEnvironment(),
        reject: false,
        all: true,
      });
      expect(synced.exitCode, synced.all).toBe(0);
    }
  }, 45 * 60_000);

  afterAll(async () => {
    await Promise.all(running.map((kernel) => kernel.stop()));
    await llm?.close();
    await jaeger?.stop();
    for (const project of [ai, basic]) if (project) removeDir(project.root);
  });

  async function runPipeline(value: Buffer, traceId: string, producerSpanId: string) {
    const topic = uniqueName('it-trace-in');
    const output = `${topic}.results`;
    const runs = {
      ai: { topic, group: uniqueName('it-trace-ai'), dlq: `${topic}.dlq` },
      basic: { topic: output, group: uniqueName('it-trace-basic'), dlq: `${output}.dlq` },
    };
    await createTopics(kafka, [
      { topic, partitions: 1 },
      { topic: output, partitions: 1 },
      { topic: runs.ai.dlq, partitions: 1 },
      { topic: runs.basic.dlq, partitions: 1 },
    ]);
    const bootstrap = requireInfra().kafka.bootstrapServers;
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpEndpoint };
    const aiKernel = startKernel(
      ai.dir,
      kernelEnv(bootstrap, runs.ai, {
        ...tracing,
        OUTPUT_TOPIC: output,
        OPENAI_API_KEY: 'it-llm-key',
        OPENAI_BASE_URL: `${llm.url}/v1`,
        MODEL_NAME: 'it-model',
      }),
    );
    const basicKernel = startKernel(basic.dir, kernelEnv(bootstrap, runs.basic, tracing));
    running.push(aiKernel, basicKernel);

    await reportProducerSpan(jaeger, traceId, producerSpanId, topic);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [{ key: 'k-1', value, headers: { traceparent: `00-${traceId}-${producerSpanId}-01` } }],
    });
    await producer.disconnect();

    await waitForCommittedToEnd(kafka, runs.ai.group, topic, 90_000, () => !aiKernel.hasExited());
    return { runs, aiKernel, basicKernel };
  }

  it('returns one trace: producer -> ai consumer -> (model call, output send) -> basic consumer', async () => {
    const traceId = hex(16);
    const producerSpanId = hex(8);
    const { runs, aiKernel, basicKernel } = await runPipeline(
      Buffer.from(JSON.stringify({ id: 'req-1', text: 'hello trace' })),
      traceId,
      producerSpanId,
    );
    await waitForCommittedToEnd(kafka, runs.basic.group, runs.basic.topic, 90_000, () => !basicKernel.hasExited());
    // SIGTERM flushes the spans still queued in each kernel's exporter.
    expect(await aiKernel.stop(), aiKernel.tail()).toBe(0);
    expect(await basicKernel.stop(), basicKernel.tail()).toBe(0);

    const traces = await waitForTrace(jaeger, traceId, 5);
    expect(traces).toHaveLength(1);
    const [trace] = traces as [JaegerTrace];
    const service = (span: JaegerSpan) => trace.processes[span.processID]?.serviceName;
    const find = (name: string, ofService: string) => {
      const span = trace.spans.find((s) => s.operationName === name && service(s) === ofService);
      expect(
        span,
        `${name} of ${ofService} in ${trace.spans.map((s) => `${service(s)}:${s.operationName}`)}`,
      ).toBeDefined();
      return span!;
    };
    const producerSpan = find(`send ${runs.ai.topic}`, 'it-producer');
    const aiConsumer = find(`process ${runs.ai.topic}`, ai.name);
    const modelCall = find('POST', ai.name);
    const outputSend = find(`send ${runs.basic.topic}`, ai.name);
    const basicConsumer = find(`process ${runs.basic.topic}`, basic.name);

    expect(producerSpan.spanID).toBe(producerSpanId);
    expect(parentOf(aiConsumer)).toBe(producerSpanId);
    expect(parentOf(modelCall)).toBe(aiConsumer.spanID);
    expect(parentOf(outputSend)).toBe(aiConsumer.spanID);
    expect(parentOf(basicConsumer)).toBe(outputSend.spanID);
    expect(tag(aiConsumer, 'span.kind')).toBe('consumer');
    expect(tag(aiConsumer, 'messaging.system')).toBe('kafka');
    expect(tag(aiConsumer, 'messaging.destination.name')).toBe(runs.ai.topic);
    expect(tag(aiConsumer, 'messaging.consumer.group.name')).toBe(runs.ai.group);
    expect(tag(aiConsumer, 'messaging.kafka.offset')).toBe(0);
    console.log(
      `[tracing] trace ${traceId}: ${trace.spans.map((s) => `${service(s)}:${s.operationName}${parentOf(s) ? ` <- ${parentOf(s)}` : ''} (${s.spanID})`).join(', ')}`,
    );
  });

  it('shows the dead-letter decision as an event, and the dead letter carries the trace id', async () => {
    const traceId = hex(16);
    const producerSpanId = hex(8);
    const { runs, aiKernel } = await runPipeline(Buffer.from([0xff, 0xfe, 0x80]), traceId, producerSpanId);
    expect(await aiKernel.stop(), aiKernel.tail()).toBe(0);

    const [dead] = await readTopic(kafka, runs.ai.dlq, 1, 30_000);
    expect(dead?.headers['dlq.trace.id']).toBe(traceId);
    expect(dead?.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    const traces = await waitForTrace(jaeger, traceId, 3);
    expect(traces).toHaveLength(1);
    const consumer = traces[0]!.spans.find((s) => s.operationName === `process ${runs.ai.topic}`);
    expect(parentOf(consumer!)).toBe(producerSpanId);
    const events = consumer!.logs.map((log) => log.fields.find((f) => f.key === 'event')?.value);
    expect(events).toContain('dead_letter');
    const dlqSend = traces[0]!.spans.find((s) => s.operationName === `send ${runs.ai.dlq}`);
    expect(parentOf(dlqSend!)).toBe(consumer!.spanID);
    console.log(`[tracing] dead letter in trace ${traceId}: events ${events.join(', ')}`);
  });
});
