// topics.toml as the CLI reads it (list, contracts, test-run): every kind's render, bad input, and the fallback to
// .env.template for kernels made before the declaration existed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dlqTopicOf, outputTopicOf } from '../../src/fleet/env-template.js';
import { parseTopicDeclaration, readTopicDeclaration } from '../../src/fleet/topic-declaration.js';
import { KINDS } from '../../src/kinds.js';
import { testTopicSpecs } from '../../src/test-run/create-test-topics.js';
import { goldenFiles } from '../helpers/golden.js';

const dirs: string[] = [];
function kernelDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cck-topics-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the topic declaration', () => {
  it.each(KINDS.map((kind) => kind.name))('is generated in every %s kernel and parses', (kind) => {
    const text = goldenFiles(kind).get('topics.toml');
    expect(text).toBeDefined();
    const declaration = parseTopicDeclaration(text ?? '');
    expect(declaration.input).toEqual({
      partitions: 3,
      replicationFactor: 3,
      retentionMs: 604_800_000,
      cleanupPolicy: 'delete',
    });
    expect(declaration.dlq?.partitions).toBe(3);
    // Only the kinds that publish declare an output.
    expect(declaration.output !== undefined).toBe(kind === 'ai');
  });

  it('reads strings, integers with underscores, comments and normalizes the cleanup policy', () => {
    const declaration = parseTopicDeclaration(
      '# top\n[dlq] # the dead letters\ntopic = "orders.dlq" # name\npartitions = 1_2\ncleanup_policy = \'delete, compact\'\nretention_ms = -1\n',
    );
    expect(declaration).toEqual({
      dlq: { topic: 'orders.dlq', partitions: 12, cleanupPolicy: 'compact,delete', retentionMs: -1 },
    });
  });

  it.each([
    ['[input]\npartitions = -3\n', 'topics.toml [input]: partitions must be an integer >= 1 (got -3)'],
    ['[input]\nreplication_factor = 0\n', 'replication_factor must be an integer >= 1'],
    ['[input]\nretention_ms = -2\n', 'retention_ms must be an integer >= -1'],
    ['[input]\npartitions = "3"\n', 'partitions must be an integer'],
    ['[input]\ncleanup_policy = "shred"\n', 'cleanup_policy must be one of'],
    ['[input]\npartition = 3\n', "unknown key 'partition'"],
    ['[inptu]\n', 'unknown table [inptu]'],
    ['[input\n', 'does not parse'],
    ['partitions = 3\n', 'outside a table'],
    ['[dlq]\ntopic = "a b"\n', 'topic must be a Kafka topic name'],
  ])('refuses %j in one line', (text, says) => {
    expect(() => parseTopicDeclaration(text)).toThrow(says);
  });

  it('reads as null without a file and as a problem when it does not parse', () => {
    expect(readTopicDeclaration(kernelDir({}))).toBeNull();
    expect(readTopicDeclaration(kernelDir({ 'topics.toml': '[input]\npartitions = 0\n' }))).toEqual({
      problem: 'topics.toml [input]: partitions must be an integer >= 1 (got 0)',
    });
  });
});

describe('list and contracts read the output and DLQ topics', () => {
  const envTemplate = 'DLQ_TOPIC=from-template.dlq\nOUTPUT_TOPIC=from-template.out\n';

  it('from the declaration where it names them', () => {
    const dir = kernelDir({
      '.env.template': envTemplate,
      'topics.toml': '[dlq]\ntopic = "declared.dlq"\n[output]\ntopic = "declared.out"\n',
    });
    expect(dlqTopicOf(dir)).toBe('declared.dlq');
    expect(outputTopicOf(dir, 'ai')).toBe('declared.out');
    expect(outputTopicOf(dir, 'basic')).toBeNull();
  });

  it('from .env.template for a kernel without a declaration, or one that leaves `topic` out', () => {
    for (const files of [{}, { 'topics.toml': '[dlq]\npartitions = 3\n' }] as Record<string, string>[]) {
      const dir = kernelDir({ '.env.template': envTemplate, ...files });
      expect(dlqTopicOf(dir)).toBe('from-template.dlq');
      expect(outputTopicOf(dir, 'ai')).toBe('from-template.out');
    }
  });
});

describe('test-run makes its topics from the declaration', () => {
  const names = { topic: 't', dlqTopic: 't.dlq', outputs: ['t.out'] };

  it('with its partition counts and cleanup policies', () => {
    const declared = parseTopicDeclaration(
      '[input]\npartitions = 6\nretention_ms = 5\n[dlq]\npartitions = 6\ncleanup_policy = "compact,delete"\n[output]\npartitions = 2\n',
    );
    expect(testTopicSpecs(declared, names)).toEqual([
      { topic: 't', partitions: 6 },
      { topic: 't.dlq', partitions: 6, config: { 'cleanup.policy': 'compact,delete' } },
      { topic: 't.out', partitions: 2 },
    ]);
  });

  it('as before for a kernel without one', () => {
    expect(testTopicSpecs({}, names)).toEqual([
      { topic: 't', partitions: 3 },
      { topic: 't.dlq', partitions: 1 },
      { topic: 't.out', partitions: 1 },
    ]);
  });
});
