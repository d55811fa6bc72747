// --schema <file>: a JSON Schema (draft 07 or 2020-12) or an Avro record, read and recognised before anything is written.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import type { SchemaFormat } from '../schema-formats.js';
import { quote } from './validate.js';

export interface SchemaSource {
  /** Where the kernel keeps it, relative to its root: `schemas/order.schema.json`, `schemas/order.avsc`. */
  kernelPath: string;
  format: SchemaFormat;
  contents: string;
}

/** The recorded answer: a file directly under schemas/, named so it is safe in Python, TOML, YAML and Markdown. */
const KERNEL_PATH = /^schemas\/[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*\.(json|avsc)$/;
// Long enough for any sensible name, short enough that generated docstrings and comments stay within ruff's 120.
const KERNEL_PATH_MAX = 64;
const JSON_SCHEMA_DRAFTS = [
  'http://json-schema.org/draft-07/schema',
  'https://json-schema.org/draft/2020-12/schema',
] as const;

export function validateSchemaPath(value: string): string | undefined {
  if (KERNEL_PATH.test(value) && value.length <= KERNEL_PATH_MAX) return undefined;
  return `Schema ${quote(value)} must be a .json or .avsc file directly under schemas/ (letters, digits, ".", "_", "-"; at most ${KERNEL_PATH_MAX} characters).`;
}

export function readSchemaFile(path: string): SchemaSource {
  let contents: string;
  try {
    contents = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the schema file ${quote(path)}; check the path.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(contents);
  } catch {
    throw new UsageError(`The schema file ${quote(path)} is not JSON; give a JSON Schema or an Avro schema (.avsc).`);
  }
  const format = recogniseSchema(data, path);
  const kernelPath = kernelPathFor(path, format);
  const problem = validateSchemaPath(kernelPath);
  if (problem) throw new UsageError(`${problem} Rename ${quote(path)} and try again.`);
  return { kernelPath, format, contents };
}

function recogniseSchema(data: unknown, path: string): SchemaFormat {
  const problem = (what: string) => new UsageError(`The schema file ${quote(path)} ${what}.`);
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw problem('must hold one JSON object');
  const schema = data as Record<string, unknown>;
  if (schema.type === 'record') {
    if (typeof schema.name !== 'string' || !Array.isArray(schema.fields))
      throw problem('is an Avro record without a "name" or "fields"');
    return 'avro';
  }
  const draft = schema.$schema;
  if (draft !== undefined && !JSON_SCHEMA_DRAFTS.some((known) => String(draft).replace(/#$/, '') === known))
    throw problem(`declares ${quote(String(draft))}; JSON Schema drafts 07 and 2020-12 are supported`);
  if (schema.type !== 'object' && !('properties' in schema))
    throw problem('is neither an Avro record nor a JSON Schema of an object (with "type": "object" or "properties")');
  return 'json-schema';
}

/** The file keeps its own name where it can, with the extension the format needs (.avsc is how Avro is recognised). */
function kernelPathFor(path: string, format: SchemaFormat): string {
  const stem =
    basename(path)
      .replace(/\.(avsc|json)$/i, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '') || 'payload';
  return `schemas/${stem}${format === 'avro' ? '.avsc' : '.json'}`;
}
