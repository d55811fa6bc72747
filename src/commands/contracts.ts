// contracts: for every topic one kernel here produces and another consumes, whether the consumer accepts what the
// producer may send: instances generated from the producer's schema, validated against the consumer's.
import { checkPair, DEFAULT_PAIR_OPTIONS, type PairOptions } from '../contracts/check-pair.js';
import { readKernelTopics, type OutputVia } from '../contracts/kernel-topics.js';
import { loadKernelSchema } from '../contracts/load-schema.js';
import { type FailingInstance, shortJson } from '../contracts/pair-result.js';
import { buildTopicGraph, type TopicPair } from '../contracts/topic-graph.js';
import { quote } from '../create/validate.js';
import { EXIT, UsageError } from '../errors.js';
import { fleetRoot, requireKernels } from '../fleet/fleet-root.js';
import { formatTable } from '../fleet/table.js';
import { errorMessage } from '../output/json-output.js';

/** no-schema: one side declares none, nothing to check; unchecked: a schema could not be read or compiled. */
export type PairResult = 'compatible' | 'incompatible' | 'no-schema' | 'unchecked';

export interface PairReport {
  producer: string;
  topic: string;
  via: OutputVia;
  consumer: string;
  producerSchema: string | null;
  consumerSchema: string | null;
  result: PairResult;
  /** Instances checked: all of them when compatible, up to and including the first failing one otherwise. */
  instances: number;
  reason?: string;
  failure?: FailingInstance;
}

export interface ContractsResult {
  ok: boolean;
  command: 'contracts';
  root: string;
  seed: number;
  instancesPerPair: number;
  exitCode: number;
  pairs: PairReport[];
  consumersWithoutProducer: { directory: string; topic: string }[];
  outputsUnread: { directory: string; topic: string; via: OutputVia }[];
  /** Kernels whose manifest could not be read: they take part in no pair. */
  problems: { directory: string; problem: string }[];
}

// As check --all: 2 when something could not be checked at all, 1 for an incompatible pair.
const EXIT_CODES: Record<PairResult, number> = {
  compatible: EXIT.ok,
  'no-schema': EXIT.ok,
  incompatible: EXIT.failure,
  unchecked: EXIT.usage,
};

export function parseSeed(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PAIR_OPTIONS.seed;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`--seed ${quote(value)} must be a whole number below 10^9.`);
  return Number(value);
}

export async function checkContracts(rootArg: string | undefined, seedArg?: string): Promise<ContractsResult> {
  const options: PairOptions = { ...DEFAULT_PAIR_OPTIONS, seed: parseSeed(seedArg) };
  const root = await fleetRoot(rootArg);
  const kernels = (await requireKernels(root)).map((dir) => readKernelTopics(root, dir));
  const graph = buildTopicGraph(kernels);
  const pairs = graph.pairs.map((pair) => reportPair(pair, options));
  const problems = kernels.flatMap((kernel) =>
    kernel.problem ? [{ directory: kernel.directory, problem: kernel.problem }] : [],
  );
  const exitCode = Math.max(
    EXIT.ok,
    ...pairs.map((pair) => EXIT_CODES[pair.result]),
    ...(problems.length > 0 ? [EXIT.usage] : []),
  );
  return {
    ok: exitCode === EXIT.ok,
    command: 'contracts',
    root,
    seed: options.seed,
    instancesPerPair: options.instances,
    exitCode,
    pairs,
    consumersWithoutProducer: graph.consumersWithoutProducer,
    outputsUnread: graph.outputsUnread,
    problems,
  };
}

function reportPair(pair: TopicPair, options: PairOptions): PairReport {
  const base = {
    producer: pair.producer.directory,
    topic: pair.topic,
    via: pair.via,
    consumer: pair.consumer.directory,
    producerSchema: pair.producerSchema,
    consumerSchema: pair.consumerSchema,
  };
  if (pair.producerSchema === null || pair.consumerSchema === null) {
    const side = pair.producerSchema === null ? 'producer' : 'consumer';
    const what = pair.via === 'output' && side === 'producer' ? 'output schema' : 'schema';
    return { ...base, result: 'no-schema', instances: 0, reason: `the ${side} declares no ${what}` };
  }
  const producer = loadKernelSchema(pair.producer.path, pair.producerSchema);
  const consumer = loadKernelSchema(pair.consumer.path, pair.consumerSchema);
  if (typeof producer === 'string')
    return { ...base, result: 'unchecked', instances: 0, reason: `producer: ${producer}` };
  if (typeof consumer === 'string')
    return { ...base, result: 'unchecked', instances: 0, reason: `consumer: ${consumer}` };
  try {
    return { ...base, ...checkPair(producer, consumer, options) };
  } catch (error) {
    return { ...base, result: 'unchecked', instances: 0, reason: errorMessage(error) };
  }
}

const VIA_LABELS: Record<OutputVia, string> = { output: 'OUTPUT_TOPIC', dlq: 'DLQ_TOPIC' };

function resultCell(pair: PairReport): string {
  if (pair.result === 'compatible') return `compatible (${pair.instances} instances)`;
  return `${pair.result}: ${pair.reason}`;
}

export function formatContracts(result: ContractsResult): string {
  const lines: string[] = [];
  if (result.pairs.length === 0) lines.push(`No kernel under ${result.root} reads a topic another one here produces.`);
  else
    lines.push(
      formatTable(
        ['PRODUCER', 'TOPIC', 'CONSUMER', 'RESULT'],
        result.pairs.map((pair) => [
          pair.producer,
          `${pair.topic} (${VIA_LABELS[pair.via]})`,
          pair.consumer,
          resultCell(pair),
        ]),
      ),
    );
  for (const pair of result.pairs)
    if (pair.failure)
      lines.push(
        `${pair.producer} -> ${pair.consumer}: first failing instance (#${pair.failure.index}, seed ${result.seed}), field ${pair.failure.field}: ${shortJson(pair.failure.instance)}`,
      );
  for (const { directory, topic } of result.consumersWithoutProducer)
    lines.push(`No producer here: ${directory} reads ${topic}.`);
  for (const { directory, topic, via } of result.outputsUnread)
    lines.push(`No kernel here reads: ${directory} produces ${topic} (${VIA_LABELS[via]}).`);
  for (const { directory, problem } of result.problems) lines.push(`${directory}: ${problem}`);
  return lines.join('\n');
}
