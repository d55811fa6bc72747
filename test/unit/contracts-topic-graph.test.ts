// Which kernel feeds which: the pairs contracts checks and the topics it reports as unfed or unread.
import { describe, expect, it } from 'vitest';
import type { KernelTopics } from '../../src/contracts/kernel-topics.js';
import { buildTopicGraph } from '../../src/contracts/topic-graph.js';

function kernel(
  directory: string,
  topic: string,
  outputs: KernelTopics['outputs'] = [],
  problem?: string,
): KernelTopics {
  return {
    directory,
    path: `/repo/${directory}`,
    topic,
    schema: 'schemas/in.json',
    outputs,
    ...(problem ? { problem } : {}),
  };
}

describe('contracts: the topic graph', () => {
  const enricher = kernel('enricher', 'orders', [
    { topic: 'orders.enriched', via: 'output', schema: 'schemas/out.json' },
    { topic: 'orders.dlq', via: 'dlq', schema: 'schemas/in.json' },
  ]);

  it('pairs each output with every kernel reading it, and names the rest', () => {
    const graph = buildTopicGraph([
      enricher,
      kernel('sink', 'orders.enriched'),
      kernel('audit', 'orders.enriched', [{ topic: 'audit.dlq', via: 'dlq', schema: 'schemas/in.json' }]),
    ]);
    expect(graph.pairs.map((pair) => [pair.producer.directory, pair.topic, pair.via, pair.consumer.directory])).toEqual(
      [
        ['enricher', 'orders.enriched', 'output', 'sink'],
        ['enricher', 'orders.enriched', 'output', 'audit'],
      ],
    );
    expect(graph.pairs[0]).toMatchObject({ producerSchema: 'schemas/out.json', consumerSchema: 'schemas/in.json' });
    expect(graph.consumersWithoutProducer).toEqual([{ directory: 'enricher', topic: 'orders' }]);
    expect(graph.outputsUnread).toEqual([
      { directory: 'enricher', topic: 'orders.dlq', via: 'dlq' },
      { directory: 'audit', topic: 'audit.dlq', via: 'dlq' },
    ]);
  });

  it('leaves a kernel whose manifest cannot be read out of every pair', () => {
    const graph = buildTopicGraph([enricher, kernel('broken', 'orders.enriched', [], 'bad JSON')]);
    expect(graph.pairs).toEqual([]);
    expect(graph.outputsUnread.map((output) => output.topic)).toEqual(['orders.enriched', 'orders.dlq']);
  });
});
