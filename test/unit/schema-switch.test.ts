// update --set schema: which generated files land, which replace the render, and what stops the update.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileDecision } from '../../src/update/decide-files.js';
import type { DiskFile } from '../../src/update/disk-files.js';
import { takeSchemaSet, withGeneratedFiles } from '../../src/update/schema-switch.js';

const generated = [
  { path: 'schemas/order.json', contents: '{"type": "object"}\n', executable: false },
  { path: 'payload_model.py', contents: '# model\n', executable: false },
  { path: 'tests/sample_messages.jsonl', contents: '{}\n', executable: false },
];
const onDisk = (entries: Record<string, string>) =>
  new Map<string, DiskFile>(
    Object.entries(entries).map(([path, text]) => [path, { bytes: Buffer.from(text), executable: false }]),
  );
const removed = (path: string): FileDecision => ({
  path,
  outcome: 'removed',
  before: 'rendered\n',
  executable: false,
  conflicts: 0,
  twoWay: false,
});
const outcomes = (decisions: FileDecision[]) => Object.fromEntries(decisions.map((d) => [d.path, d.outcome]));

describe('withGeneratedFiles', () => {
  it('adds what is missing and replaces the render the typed plan drops', () => {
    const samples = 'tests/sample_messages.jsonl';
    const { decisions, keptOwn } = withGeneratedFiles(
      generated,
      onDisk({ [samples]: 'rendered\n' }),
      [removed(samples)],
      {},
    );
    expect(outcomes(decisions)).toEqual({
      'schemas/order.json': 'added',
      'payload_model.py': 'added',
      [samples]: 'updated',
    });
    expect(decisions.find((d) => d.path === samples)?.after).toBe('{}\n');
    expect(keptOwn).toEqual([]);
  });

  it('keeps samples of the user’s own and leaves identical files out', () => {
    const { decisions, keptOwn } = withGeneratedFiles(
      generated,
      onDisk({ 'tests/sample_messages.jsonl': '{"mine": 1}\n', 'schemas/order.json': '{"type": "object"}\n' }),
      [],
      {},
    );
    expect(outcomes(decisions)).toEqual({ 'payload_model.py': 'added' });
    expect(keptOwn).toEqual(['tests/sample_messages.jsonl']);
  });

  it('refuses a file of the user’s in place of the model or the schema of an untyped kernel', () => {
    expect(() => withGeneratedFiles(generated, onDisk({ 'payload_model.py': '# mine\n' }), [], {})).toThrow(
      /"payload_model.py" already exists in the kernel/,
    );
    expect(() => withGeneratedFiles(generated, onDisk({ 'schemas/order.json': '{}' }), [], {})).toThrow(
      /"schemas\/order.json" already exists/,
    );
  });

  it('replaces a typed kernel’s own schema and model when its schema changes', () => {
    const { decisions } = withGeneratedFiles(
      generated,
      onDisk({ 'payload_model.py': '# old model\n', 'schemas/order.json': '{}' }),
      [],
      { schema: 'schemas/order.json' },
    );
    expect(outcomes(decisions)).toMatchObject({ 'schemas/order.json': 'updated', 'payload_model.py': 'updated' });
  });
});

describe('takeSchemaSet', () => {
  it('reads the schema file and leaves the other assignments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cck-set-'));
    const file = join(dir, 'order.json');
    writeFileSync(file, JSON.stringify({ type: 'object', properties: { id: { type: 'string' } } }));
    const taken = takeSchemaSet(['topic=orders.v2', `schema=${file}`]);
    expect(taken.sets).toEqual(['topic=orders.v2']);
    expect(taken.source?.kernelPath).toBe('schemas/order.json');
    expect(takeSchemaSet(['group=g']).source).toBeUndefined();
  });

  it('refuses an empty schema and two of them', () => {
    expect(() => takeSchemaSet(['schema='])).toThrow(/needs a file/);
    expect(() => takeSchemaSet(['schema=a.json', 'schema=b.json'])).toThrow(/once/);
  });
});
