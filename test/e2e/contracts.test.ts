// contracts over a repository of kernels made by the built CLI: an ai kernel's output and DLQ, the kernels reading them.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuietKernel, makeTempDir, removeDir, runCli } from '../helpers/cli.js';
import { editFile } from '../helpers/template-versions.js';

interface ContractsJson {
  exitCode: number;
  instancesPerPair: number;
  pairs: {
    producer: string;
    topic: string;
    via: string;
    consumer: string;
    result: string;
    instances: number;
    reason?: string;
    failure?: { index: number; instance: Record<string, unknown>; field: string; message: string };
  }[];
  consumersWithoutProducer: { directory: string; topic: string }[];
  outputsUnread: { directory: string; topic: string; via: string }[];
}

const ORDER = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['orderId', 'items'],
  properties: { orderId: { type: 'string', format: 'uuid' }, items: { type: 'integer', minimum: 1 } },
};

/** What the ai kernel publishes: 2020-12, a $ref within the file, formats, an enum and optional fields. */
const ENRICHED = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['orderId', 'placedAt', 'category'],
  $defs: { score: { type: 'number', minimum: 0, maximum: 1 } },
  properties: {
    orderId: { type: 'string', format: 'uuid' },
    placedAt: { type: 'string', format: 'date-time' },
    customer: { type: 'string', format: 'email' },
    category: { type: 'string', enum: ['food', 'toys'] },
    confidence: { $ref: '#/$defs/score' },
  },
};

describe('contracts (built CLI)', () => {
  let root: string;
  let sinkSchema: string;
  const contracts = async () => {
    const run = await runCli(['contracts', '--json'], { cwd: root });
    return { ...run, result: JSON.parse(run.stdout) as ContractsJson };
  };

  beforeAll(async () => {
    root = makeTempDir('cck-contracts-');
    const schemas = makeTempDir('cck-contracts-schemas-');
    const write = (name: string, schema: object) => {
      writeFileSync(join(schemas, name), JSON.stringify(schema, null, 2));
      return join(schemas, name);
    };
    const order = write('order.json', ORDER);
    const enriched = write('enriched.json', ENRICHED);
    const [enricher, sink] = await Promise.all([
      createQuietKernel(root, 'enricher', 'ai', ['--topic', 'orders', '--schema', order, '--output-schema', enriched]),
      createQuietKernel(root, 'enriched-sink', 'database', ['--topic', 'orders.enriched', '--schema', enriched]),
      createQuietKernel(root, 'dead-letters', 'basic', ['--topic', 'orders.dlq', '--schema', order]),
      createQuietKernel(root, 'enriched-log', 'basic', ['--topic', 'orders.enriched']),
    ]);
    const manifest = JSON.parse(readFileSync(join(enricher!, '.clustera-kernel.json'), 'utf8'));
    expect(manifest.answers.outputSchema).toBe('schemas/enriched.json');
    editFile(enricher!, '.env.template', (text) =>
      text.replace(/^OUTPUT_TOPIC=$/m, 'OUTPUT_TOPIC=orders.enriched').replace(/^DLQ_TOPIC=$/m, 'DLQ_TOPIC=orders.dlq'),
    );
    editFile(sink!, '.env.template', (text) => text.replace(/^DLQ_TOPIC=$/m, 'DLQ_TOPIC=orders.enriched.dlq'));
    sinkSchema = join(sink!, 'schemas', 'enriched.json');
    removeDir(schemas);
  }, 180_000);
  afterAll(() => removeDir(root));

  it('passes compatible pairs with at least 200 instances each, and names what nobody produces or reads', async () => {
    const { exitCode, stdout, stderr } = await runCli(['contracts'], { cwd: root });
    expect(exitCode, stderr).toBe(0);
    expect(stdout).toMatch(
      /enricher\s+orders\.enriched \(OUTPUT_TOPIC\)\s+enriched-sink\s+compatible \(256 instances\)/,
    );
    expect(stdout).toMatch(/enricher\s+orders\.dlq \(DLQ_TOPIC\)\s+dead-letters\s+compatible \(256 instances\)/);
    expect(stdout).toMatch(
      /enricher\s+orders\.enriched \(OUTPUT_TOPIC\)\s+enriched-log\s+no-schema: the consumer declares no schema/,
    );
    expect(stdout).toContain('No producer here: enricher reads orders.');
    expect(stdout).toContain('No kernel here reads: enriched-sink produces orders.enriched.dlq (DLQ_TOPIC).');

    const { result } = await contracts();
    expect(result.instancesPerPair).toBeGreaterThanOrEqual(200);
    expect(result.pairs.map((pair) => [pair.producer, pair.via, pair.consumer, pair.result])).toEqual([
      ['enricher', 'output', 'enriched-log', 'no-schema'],
      ['enricher', 'output', 'enriched-sink', 'compatible'],
      ['enricher', 'dlq', 'dead-letters', 'compatible'],
    ]);
    expect(result.consumersWithoutProducer).toEqual([{ directory: 'enricher', topic: 'orders' }]);
    expect(result.outputsUnread).toEqual([{ directory: 'enriched-sink', topic: 'orders.enriched.dlq', via: 'dlq' }]);
  });

  it.each([
    [
      'a required field the producer lacks',
      { required: [...ENRICHED.required, 'priority'] },
      'priority',
      'is required but missing',
    ],
    [
      'a type that differs',
      { properties: { ...ENRICHED.properties, confidence: { type: 'string' } } },
      'confidence',
      'must be string',
    ],
    [
      'an enum value the consumer does not know',
      { properties: { ...ENRICHED.properties, category: { type: 'string', enum: ['food'] } } },
      'category',
      'must be one of ["food"]',
    ],
  ])('exits 1 on %s, naming the first failing instance and the field', async (_label, change, field, message) => {
    writeFileSync(sinkSchema, JSON.stringify({ ...ENRICHED, ...change }));
    try {
      const text = await runCli(['contracts'], { cwd: root });
      expect(text.exitCode, text.stderr).toBe(1);
      expect(text.stdout).toContain(`enricher -> enriched-sink: first failing instance (#`);
      expect(text.stdout).toContain(`field ${field}: {`);

      const { exitCode, result } = await contracts();
      expect(exitCode).toBe(1);
      const pair = result.pairs.find((entry) => entry.consumer === 'enriched-sink')!;
      expect(pair).toMatchObject({ result: 'incompatible', failure: { field, message } });
      // The instance shown is one the producer may send and the consumer refuses.
      const instance = pair.failure!.instance;
      expect(ENRICHED.required.every((key) => key in instance)).toBe(true);
      expect(result.pairs.find((entry) => entry.consumer === 'dead-letters')!.result).toBe('compatible');
    } finally {
      writeFileSync(sinkSchema, JSON.stringify(ENRICHED));
    }
  });

  it('refuses a root that is not a directory in one line, exit 2', async () => {
    const run = await runCli(['contracts', join(root, 'missing')], { cwd: root });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(sinkSchema, 'utf8')).toBe(JSON.stringify(ENRICHED));
  });
});
