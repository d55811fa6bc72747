// Which kernel feeds which: every (producer, topic, consumer) pair, the inputs nobody here feeds, the outputs nobody reads.
import type { KernelTopics, OutputVia } from './kernel-topics.js';

export interface TopicPair {
  producer: KernelTopics;
  consumer: KernelTopics;
  topic: string;
  via: OutputVia;
  /** Relative to each kernel; null when that side declares none. */
  producerSchema: string | null;
  consumerSchema: string | null;
}

export interface TopicGraph {
  pairs: TopicPair[];
  consumersWithoutProducer: { directory: string; topic: string }[];
  outputsUnread: { directory: string; topic: string; via: OutputVia }[];
}

export function buildTopicGraph(kernels: KernelTopics[]): TopicGraph {
  const readable = kernels.filter((kernel) => !kernel.problem);
  const pairs: TopicPair[] = [];
  const outputsUnread: TopicGraph['outputsUnread'] = [];
  for (const producer of readable)
    for (const output of producer.outputs) {
      const consumers = readable.filter((consumer) => consumer.topic === output.topic);
      if (consumers.length === 0)
        outputsUnread.push({ directory: producer.directory, topic: output.topic, via: output.via });
      for (const consumer of consumers)
        pairs.push({
          producer,
          consumer,
          topic: output.topic,
          via: output.via,
          producerSchema: output.schema,
          consumerSchema: consumer.schema,
        });
    }
  const produced = new Set(readable.flatMap((kernel) => kernel.outputs.map((output) => output.topic)));
  const consumersWithoutProducer = readable
    .filter((kernel) => kernel.topic !== null && !produced.has(kernel.topic))
    .map((kernel) => ({ directory: kernel.directory, topic: kernel.topic! }));
  return { pairs, consumersWithoutProducer, outputsUnread };
}
