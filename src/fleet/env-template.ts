// The topics a kernel publishes to, as its committed .env.template sets them (list and contracts read the same).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findKind } from '../kinds.js';
import { parseDotEnv } from '../test-run/dot-env.js';

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
  return envTemplate(dir).OUTPUT_TOPIC || null;
}

/** DLQ_TOPIC; empty means none, as in the runtime's settings, where an unset DLQ_TOPIC skips or stops instead. */
export function dlqTopicOf(dir: string): string | null {
  return envTemplate(dir).DLQ_TOPIC?.trim() || null;
}
