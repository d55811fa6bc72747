// A kernel's schema file for contracts: a path the manifest records, kept inside the kernel, parsed as JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSchemaPath } from '../create/schema-file.js';
import { schemaFormatOf } from '../schema-formats.js';
import type { LoadedSchema } from './check-pair.js';

/** The schema, or a one-sentence reason it cannot be used. */
export function loadKernelSchema(kernelPath: string, recorded: string): LoadedSchema | string {
  // The same rule create records it by: directly under schemas/, so a hand-edited manifest cannot point elsewhere.
  const problem = validateSchemaPath(recorded);
  if (problem) return problem;
  let text: string;
  try {
    text = readFileSync(join(kernelPath, recorded), 'utf8');
  } catch {
    return `cannot read ${recorded}`;
  }
  try {
    const schema: unknown = JSON.parse(text);
    if (!schema || typeof schema !== 'object' || Array.isArray(schema))
      return `${recorded} does not hold one JSON object`;
    return { format: schemaFormatOf(recorded), schema: schema as Record<string, unknown> };
  } catch {
    return `${recorded} is not JSON`;
  }
}
