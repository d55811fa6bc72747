// check's staleness rule for both generated models: each records the hash of the schema it came from.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/render/manifest.js';
import { SCHEMA_HASH_PREFIX } from '../../src/schema-formats.js';
import { staleModel } from '../../src/update/model-freshness.js';

const ANSWERS = {
  name: 'ai-kernel',
  topic: 't',
  kind: 'ai',
  group: 'g',
  schema: 'schemas/order.json',
  outputSchema: 'schemas/verdict.json',
} as const;

describe('staleModel', () => {
  let dir: string;
  const write = (path: string, contents: string) => writeFileSync(join(dir, path), contents);
  const modelOf = (schema: string) => `"""Generated."""\n\n${SCHEMA_HASH_PREFIX}${sha256Hex(schema)}\n`;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'model-freshness-'));
    mkdirSync(join(dir, 'schemas'));
    write('schemas/order.json', '{"type": "object"}');
    write('schemas/verdict.json', '{"type": "object", "title": "Verdict"}');
    write('payload_model.py', modelOf('{"type": "object"}'));
    write('answer_model.py', modelOf('{"type": "object", "title": "Verdict"}'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds nothing while both models match their schemas', () => {
    expect(staleModel(dir, ANSWERS)).toBeUndefined();
  });

  it('names the answer model when the output schema changed', () => {
    write('schemas/verdict.json', '{"type": "object", "title": "Verdict", "required": []}');
    expect(staleModel(dir, ANSWERS)).toEqual({
      schema: 'schemas/verdict.json',
      model: 'answer_model.py',
      command: 'uv run python schemas/generate_model.py',
      reason: 'schema-changed',
    });
  });

  it('names the payload model first when both are stale, and ignores an answer model a kernel without one lacks', () => {
    write('schemas/order.json', '{}');
    rmSync(join(dir, 'answer_model.py'));
    expect(staleModel(dir, ANSWERS)?.model).toBe('payload_model.py');
    write('schemas/order.json', '{"type": "object"}');
    expect(staleModel(dir, ANSWERS)?.reason).toBe('model-missing');
    const { outputSchema: _none, ...withoutOutput } = ANSWERS;
    expect(staleModel(dir, withoutOutput)).toBeUndefined();
  });
});
