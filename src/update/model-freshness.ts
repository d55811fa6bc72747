// check: a model generated from an older version of the schema (the schema was edited, the model not regenerated).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answers } from '../create/answers.js';
import { sha256Hex } from '../render/manifest.js';
import { ANSWER_MODEL_PATH, MODEL_PATH, REGENERATE_MODEL_COMMAND, SCHEMA_HASH_PREFIX } from '../schema-formats.js';

export interface StaleModel {
  schema: string;
  model: string;
  /** What regenerates it, run in the kernel. */
  command: string;
  reason: 'schema-changed' | 'model-missing' | 'schema-missing';
}

/** The first model out of date: the payload's, then the answer's (one script regenerates both). */
export function staleModel(dir: string, answers: Answers): StaleModel | undefined {
  const pairs: [string | undefined, string][] = [
    [answers.schema, MODEL_PATH],
    [answers.outputSchema, ANSWER_MODEL_PATH],
  ];
  for (const [schemaPath, modelPath] of pairs) {
    const stale = schemaPath === undefined ? undefined : staleModelOf(dir, schemaPath, modelPath);
    if (stale) return stale;
  }
  return undefined;
}

function staleModelOf(dir: string, schemaPath: string, modelPath: string): StaleModel | undefined {
  const stale = (reason: StaleModel['reason']): StaleModel => ({
    schema: schemaPath,
    model: modelPath,
    command: REGENERATE_MODEL_COMMAND,
    reason,
  });
  const schema = readOrUndefined(join(dir, schemaPath));
  if (schema === undefined) return stale('schema-missing');
  const model = readOrUndefined(join(dir, modelPath));
  if (model === undefined) return stale('model-missing');
  const recorded = model.split('\n').find((line) => line.startsWith(SCHEMA_HASH_PREFIX));
  // The generator hashes the file's bytes; a UTF-8 text hashes the same read as a string (schema files are UTF-8 JSON).
  return recorded?.slice(SCHEMA_HASH_PREFIX.length).trim() === sha256Hex(schema) ? undefined : stale('schema-changed');
}

export function formatStaleModel(stale: StaleModel): string {
  const why = {
    'schema-changed': `${stale.model} was generated from another version of ${stale.schema}`,
    'model-missing': `${stale.model} is missing`,
    'schema-missing': `${stale.schema} is missing, so ${stale.model} cannot be checked`,
  }[stale.reason];
  return `${why}; regenerate it in the kernel with \`${stale.command}\`.`;
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
