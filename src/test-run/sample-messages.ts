// The messages test-run sends: the kernel's own tests/sample_messages.jsonl, else its kind's sample payload.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kind } from '../kinds.js';

export const SAMPLE_MESSAGES_FILE = 'tests/sample_messages.jsonl';

export interface Samples {
  /** One message value per entry, sent as written so the user controls exactly what the kernel gets. */
  values: string[];
  from: string;
}

export function readSamples(dir: string, kind: Kind): Samples {
  const file = join(dir, SAMPLE_MESSAGES_FILE);
  if (existsSync(file)) {
    const values = readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    if (values.length > 0) return { values, from: SAMPLE_MESSAGES_FILE };
  }
  return { values: [JSON.stringify(kind.samplePayload)], from: `the ${kind.name} kind's sample payload` };
}

/** `count` messages cycling through the samples; the key tells them apart in the kernel's log. */
export function buildMessages(
  samples: Samples,
  count: number,
  runId: string,
): { key: string; value: string; headers: Record<string, string> }[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `test-run-${i}`,
    value: samples.values[i % samples.values.length] ?? '',
    headers: { 'clustera-test-run': runId },
  }));
}
