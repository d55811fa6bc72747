// The topics a kernel publishes to, as its topics.toml names them, else as its committed .env.template sets them (a
// kernel made before the declaration existed, or one whose declaration leaves `topic` out). list and contracts read these.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findKind } from '../kinds.js';
import { parseDotEnv } from '../test-run/dot-env.js';
import { declaredTopicOf } from './topic-declaration.js';

// .env is not read: it holds secrets, differs per machine and is never committed; .env.template is the kernel's record.
function envTemplate(dir: string): Record<string, string> {
  try {
    return parseDotEnv(readFileSync(join(dir, '.env.template'), 'utf8'));
  } catch {
    return {};
  }
}

/** OUTPUT_TOPIC, for kinds that publish one; null when the kind has none or it is left empty. */
export function outputTopicOf(dir: string, kind: string | undefined): string | null {
  if (!findKind(kind ?? '')?.env.some((variable) => variable.name === 'OUTPUT_TOPIC')) return null;
  return declaredTopicOf(dir, 'output')?.topic ?? (envTemplate(dir).OUTPUT_TOPIC || null);
}

/** The declared DLQ's `topic`, else DLQ_TOPIC; empty means none, as in the runtime's settings, where an unset DLQ_TOPIC skips or stops instead. */
export function dlqTopicOf(dir: string): string | null {
  return declaredTopicOf(dir, 'dlq')?.topic ?? (envTemplate(dir).DLQ_TOPIC?.trim() || null);
}
