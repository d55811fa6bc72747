// What one kernel reads and publishes, with the schema of each: the input of the contracts graph.
import { relative } from 'node:path';
import { dlqTopicOf, outputTopicOf } from '../fleet/env-template.js';
import { readManifest } from '../render/manifest.js';

/** OUTPUT_TOPIC carries the kernel's answer; the DLQ carries its own input values, dead-lettered. */
export type OutputVia = 'output' | 'dlq';

export interface KernelOutput {
  topic: string;
  via: OutputVia;
  /** Relative to the kernel, as the manifest records it; null when undeclared. */
  schema: string | null;
}

export interface KernelTopics {
  /** Relative to the searched root; `.` for the root itself. */
  directory: string;
  /** Absolute, to read schema files from. */
  path: string;
  topic: string | null;
  schema: string | null;
  outputs: KernelOutput[];
  /** Why the kernel's manifest could not be read; it then takes part in no pair. */
  problem?: string;
}

export function readKernelTopics(root: string, dir: string): KernelTopics {
  const directory = relative(root, dir) || '.';
  const manifest = readManifest(dir);
  if (typeof manifest !== 'object')
    return { directory, path: dir, topic: null, schema: null, outputs: [], problem: manifest ?? 'no manifest' };
  const { answers } = manifest;
  const schema = answers.schema ?? null;
  const outputs: KernelOutput[] = [];
  const output = outputTopicOf(dir, answers.kind);
  if (output) outputs.push({ topic: output, via: 'output', schema: answers.outputSchema ?? null });
  const dlq = dlqTopicOf(dir);
  // A dead-lettered message keeps its value, so the DLQ holds values of the kernel's input schema.
  if (dlq) outputs.push({ topic: dlq, via: 'dlq', schema });
  return { directory, path: dir, topic: answers.topic ?? null, schema, outputs };
}
