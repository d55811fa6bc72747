// Flags vs prompts vs defaults: a value given by flag is never asked, and nobody is asked without a terminal.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import type { Prompter } from '../../src/output/prompter.js';
import { followUpsWithoutAsking, resolveCreateInputs } from '../../src/create/resolve-inputs.js';

/** A prompter that answers from a script and records every question. */
function scriptedPrompter(answers: Record<string, string | boolean>): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const answer = (message: string) => {
    asked.push(message);
    // The schema questions come with every interactive create (answers: ai only); none unless a test says otherwise.
    const script: Record<string, string | boolean> = {
      'Schema of the messages': '',
      'Schema of the answers': '',
      ...answers,
    };
    const key = Object.keys(script).find((k) => message.includes(k));
    if (key === undefined) throw new Error(`unexpected question: ${message}`);
    return script[key]!;
  };
  return {
    asked,
    text: async ({ message }) => answer(message) as string,
    select: async ({ message }) => answer(message) as string,
    confirm: async ({ message }) => answer(message) as boolean,
  };
}

describe('resolveCreateInputs', () => {
  it('asks every question when nothing is given and the directory is no valid name', async () => {
    const prompter = scriptedPrompter({
      Where: 'Sink Dir',
      'Kernel name': 'orders-sink',
      topic: 'orders',
      kind: 'database',
      Install: false,
    });
    const inputs = await resolveCreateInputs(undefined, {}, {}, prompter);
    expect(prompter.asked).toHaveLength(6);
    expect(inputs.targetDir).toBe(resolve('Sink Dir'));
    expect(inputs.answers).toEqual({
      name: 'orders-sink',
      topic: 'orders',
      kind: 'database',
      group: 'orders-sink-group',
    });
    expect(inputs.install).toBe(false);
    expect(inputs.git).toBe(true);
  });

  it('never asks for a value given by flag', async () => {
    const prompter = scriptedPrompter({ Install: true });
    const inputs = await resolveCreateInputs(
      'k',
      { name: 'my-kernel', topic: 't1', kind: 'http', group: 'g1', schema: '', testRun: false },
      {},
      prompter,
    );
    expect(prompter.asked).toEqual(['Install dependencies now (uv sync)?']);
    expect(inputs.answers).toEqual({ name: 'my-kernel', topic: 't1', kind: 'http', group: 'g1' });
  });

  it('offers a test-run only after an install, never as the default, and takes it from --test-run or the answers file', async () => {
    const installed = scriptedPrompter({ Install: true, 'Test-run': true });
    const chosen = await resolveCreateInputs(
      'k',
      { name: 'my-kernel', topic: 't1', kind: 'http', schema: '' },
      {},
      installed,
    );
    expect(installed.asked).toEqual([
      'Install dependencies now (uv sync)?',
      'Test-run it now against a Kafka broker (a local one when none is configured)?',
    ]);
    expect(chosen.testRun).toBe(true);

    const notInstalled = scriptedPrompter({ Install: false });
    expect(
      (await resolveCreateInputs('k', { name: 'my-kernel', topic: 't1', kind: 'http', schema: '' }, {}, notInstalled))
        .testRun,
    ).toBe(false);
    expect(notInstalled.asked).toEqual(['Install dependencies now (uv sync)?']);

    expect((await resolveCreateInputs('kernel-a', { kind: 'basic', yes: true }, {}, undefined)).testRun).toBe(false);
    expect(
      (await resolveCreateInputs('kernel-a', { kind: 'basic', yes: true, testRun: true }, {}, undefined)).testRun,
    ).toBe(true);
    expect(
      (await resolveCreateInputs('kernel-a', { kind: 'basic', yes: true }, { testRun: true }, undefined)).testRun,
    ).toBe(true);
  });

  it('asks nothing at all when install is decided by flag too', async () => {
    const prompter = scriptedPrompter({});
    const flags = { name: 'my-kernel', topic: 't1', kind: 'ai', schema: '', outputSchema: '', install: false };
    await resolveCreateInputs('k', flags, {}, prompter);
    expect(prompter.asked).toEqual([]);
  });

  it('asks for a schema, reads the file, and keeps it under schemas/ with the extension its format needs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schema-question-'));
    try {
      const avro = join(dir, 'order.json');
      writeFileSync(avro, JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] }));
      const prompter = scriptedPrompter({ 'Schema of the messages': avro, Install: false });
      const inputs = await resolveCreateInputs('k', { name: 'my-kernel', topic: 't1', kind: 'basic' }, {}, prompter);
      expect(prompter.asked).toContain('Schema of the messages (a JSON Schema or Avro file; empty for none)');
      expect(inputs.answers.schema).toBe('schemas/order.avsc');
      expect(inputs.schemaSource?.format).toBe('avro');

      const flagged = scriptedPrompter({ topic: 't1', Install: false });
      const byFlag = await resolveCreateInputs('k', { name: 'my-kernel', kind: 'basic', schema: avro }, {}, flagged);
      expect(flagged.asked).toEqual(['Kafka topic to consume', 'Install dependencies now (uv sync)?']);
      expect(byFlag.answers.schema).toBe('schemas/order.avsc');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a schema file that is missing, not JSON, or neither a JSON Schema nor an Avro record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schema-refused-'));
    try {
      const write = (name: string, text: string) => {
        writeFileSync(join(dir, name), text);
        return join(dir, name);
      };
      const cases: [string, RegExp][] = [
        [join(dir, 'missing.json'), /Cannot read the schema file .*missing\.json/],
        [write('notjson.json', '{ nope'), /is not JSON/],
        [write('list.json', '[1]'), /must hold one JSON object/],
        [
          write('draft4.json', '{"$schema": "http://json-schema.org/draft-04/schema#", "type": "object"}'),
          /drafts 07 and 2020-12/,
        ],
        [write('string.json', '{"type": "string"}'), /neither an Avro record nor a JSON Schema of an object/],
        [write('record.avsc', '{"type": "record", "name": "X"}'), /Avro record without a "name" or "fields"/],
      ];
      for (const [path, message] of cases) {
        const flags = { kind: 'basic', yes: true, schema: path };
        await expect(resolveCreateInputs('typed-kernel', flags, {}, undefined)).rejects.toThrow(UsageError);
        await expect(resolveCreateInputs('typed-kernel', flags, {}, undefined)).rejects.toThrow(message);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes defaults with --yes and says which', async () => {
    const inputs = await resolveCreateInputs('payments-audit', { yes: true }, {}, undefined);
    expect(inputs.answers).toEqual({
      name: 'payments-audit',
      topic: 'clustera-payments-audit',
      kind: 'basic',
      group: 'payments-audit-group',
    });
    expect(inputs.install).toBe(true);
    expect(inputs.defaulted).toEqual([
      'kernel name: payments-audit',
      'topic: clustera-payments-audit',
      'kind: basic',
      'install: yes',
    ]);
  });

  it('without a terminal and without --yes, a missing kind is an error naming the flag', async () => {
    await expect(resolveCreateInputs('k1', {}, {}, undefined)).rejects.toThrow(
      new UsageError('Missing kind: pass --kind or --yes.'),
    );
  });

  it('without a terminal and nothing to name the directory, asks for a directory argument', async () => {
    await expect(resolveCreateInputs(undefined, { kind: 'basic' }, {}, undefined)).rejects.toThrow(
      new UsageError('Missing target directory: pass a directory argument or --name or --yes.'),
    );
  });

  it('with --yes and no directory, takes the default my-kernel as the interactive flow would', async () => {
    const inputs = await resolveCreateInputs(undefined, { yes: true }, {}, undefined);
    expect(inputs.targetDir).toBe(resolve('my-kernel'));
    expect(inputs.answers.name).toBe('my-kernel');
    expect(inputs.defaulted[0]).toBe('target directory: my-kernel');
  });

  it('does not ask for the name when the directory argument is a valid one', async () => {
    const prompter = scriptedPrompter({ Install: false });
    const flags = { kind: 'ai', topic: 'docs', schema: '', outputSchema: '' };
    const inputs = await resolveCreateInputs('ai-bot', flags, {}, prompter);
    expect(prompter.asked).toEqual(['Install dependencies now (uv sync)?']);
    expect(inputs.answers.name).toBe('ai-bot');
  });

  it('asks for another directory at once when the given one is not empty, before any other question', async () => {
    const taken = mkdtempSync(join(tmpdir(), 'cck-taken-'));
    writeFileSync(join(taken, 'notes.txt'), 'mine');
    try {
      const prompter = scriptedPrompter({ 'not empty': 'fresh-one', topic: 't', kind: 'basic', Install: false });
      const inputs = await resolveCreateInputs(taken, {}, {}, prompter);
      expect(prompter.asked[0]).toMatch(/is not empty\. Where should the kernel be created instead\?/);
      expect(inputs.targetDir).toBe(resolve('fresh-one'));
      await expect(resolveCreateInputs(taken, { kind: 'basic' }, {}, undefined)).rejects.toThrow(/is not empty/);
      await expect(
        resolveCreateInputs(taken, { kind: 'basic', name: 'kept-files', force: true }, {}, undefined),
      ).resolves.toBeDefined();
    } finally {
      rmSync(taken, { recursive: true, force: true });
    }
  });

  it('uses the name as the directory when only --name is given', async () => {
    const inputs = await resolveCreateInputs(undefined, { name: 'abc-1', kind: 'basic' }, {}, undefined);
    expect(inputs.targetDir).toBe(resolve('abc-1'));
    expect(inputs.install).toBe(false);
  });

  it('lets flags win over the answers file', async () => {
    const inputs = await resolveCreateInputs(
      undefined,
      { topic: 'from-flag' },
      { name: 'from-file', topic: 'file-topic', kind: 'http', git: false },
      undefined,
    );
    expect(inputs.answers.topic).toBe('from-flag');
    expect(inputs.answers.kind).toBe('http');
    expect(inputs.git).toBe(false);
  });

  it('checks prompted answers too, including an accepted default', async () => {
    const prompter = scriptedPrompter({ 'Kernel name': 'Bad_Name' });
    await expect(resolveCreateInputs('x', { topic: 't', kind: 'basic', install: false }, {}, prompter)).rejects.toThrow(
      /lowercase kebab-case/,
    );
  });

  it('reports an invalid directory-derived name with a hint to pass --name', async () => {
    await expect(resolveCreateInputs('My_Dir', { kind: 'basic' }, {}, undefined)).rejects.toThrow(
      /Pass --name to choose another/,
    );
  });

  describe('the output schema', () => {
    const record = (name: string) => JSON.stringify({ type: 'record', name, fields: [{ name: 'id', type: 'string' }] });
    const withSchemas = async (work: (dir: string) => Promise<void>) => {
      const dir = mkdtempSync(join(tmpdir(), 'output-schema-'));
      try {
        writeFileSync(join(dir, 'order.avsc'), record('Order'));
        writeFileSync(join(dir, 'verdict.avsc'), record('Verdict'));
        mkdirSync(join(dir, 'other'));
        writeFileSync(join(dir, 'other', 'order.avsc'), record('Order'));
        await work(dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    it('is recorded as outputSchema beside the schema, from a flag or an answers file', () =>
      withSchemas(async (dir) => {
        const flags = { kind: 'ai', yes: true, schema: join(dir, 'order.avsc') };
        const byFlag = await resolveCreateInputs(
          'out-kernel',
          { ...flags, outputSchema: join(dir, 'verdict.avsc') },
          {},
          undefined,
        );
        expect(byFlag.answers).toMatchObject({ schema: 'schemas/order.avsc', outputSchema: 'schemas/verdict.avsc' });
        expect(byFlag.outputSchemaSource?.format).toBe('avro');
        const byFile = await resolveCreateInputs(
          'out-kernel',
          flags,
          { outputSchema: join(dir, 'verdict.avsc') },
          undefined,
        );
        expect(byFile.answers.outputSchema).toBe('schemas/verdict.avsc');
        const alone = { kind: 'ai', yes: true, outputSchema: join(dir, 'order.avsc') };
        const untypedMessages = await resolveCreateInputs('out-kernel', alone, {}, undefined);
        expect(untypedMessages.answers).toMatchObject({ outputSchema: 'schemas/order.avsc' });
        expect(untypedMessages.answers.schema).toBeUndefined();
      }));

    it.each([
      ['http', 'verdict.avsc', /^--output-schema is for ai kernels/],
      ['ai', 'other/order.avsc', /would both be schemas\/order\.avsc; rename one/],
    ])('refuses it for kind %s with the schema %j', (kind, schemaFile, message) =>
      withSchemas(async (dir) => {
        const schema = schemaFile && join(dir, schemaFile);
        const flags = { yes: true, kind, schema, outputSchema: join(dir, 'order.avsc') };
        const refused = resolveCreateInputs('out-kernel', flags, {}, undefined);
        await expect(refused).rejects.toThrow(UsageError);
        await expect(refused).rejects.toThrow(message);
      }),
    );

    it('is asked only for an ai kernel, with or without a schema, and a name the schema already has is refused', () =>
      withSchemas(async (dir) => {
        const question = 'Schema of the answers published to OUTPUT_TOPIC (a JSON Schema or Avro file; empty for none)';
        const prompter = scriptedPrompter({
          'Schema of the messages': join(dir, 'order.avsc'),
          'Schema of the answers': join(dir, 'verdict.avsc'),
          Install: false,
        });
        const inputs = await resolveCreateInputs(
          'out-kernel',
          { name: 'my-kernel', topic: 't1', kind: 'ai' },
          {},
          prompter,
        );
        expect(prompter.asked).toContain(question);
        expect(inputs.answers.outputSchema).toBe('schemas/verdict.avsc');

        const answersOnly = scriptedPrompter({ 'Schema of the answers': join(dir, 'verdict.avsc'), Install: false });
        const typedAnswers = await resolveCreateInputs(
          'out-kernel',
          { name: 'my-kernel', topic: 't1', kind: 'ai' },
          {},
          answersOnly,
        );
        expect(typedAnswers.answers).toMatchObject({ outputSchema: 'schemas/verdict.avsc' });
        expect(typedAnswers.answers.schema).toBeUndefined();

        const basic = scriptedPrompter({ 'Schema of the messages': join(dir, 'order.avsc'), Install: false });
        await resolveCreateInputs('out-kernel', { name: 'my-kernel', topic: 't1', kind: 'basic' }, {}, basic);
        expect(basic.asked).not.toContain(question);

        const validations: (string | undefined)[] = [];
        const colliding: Prompter = {
          ...scriptedPrompter({ Install: false }),
          text: async ({ message, validate }) => {
            if (message.startsWith('Schema of the messages')) return join(dir, 'order.avsc');
            validations.push(validate?.(join(dir, 'other', 'order.avsc')), validate?.(''));
            return '';
          },
        };
        const untyped = await resolveCreateInputs(
          'out-kernel',
          { name: 'my-kernel', topic: 't1', kind: 'ai' },
          {},
          colliding,
        );
        expect(validations[0]).toMatch(/would both be schemas\/order\.avsc/);
        expect(validations[1]).toBeUndefined();
        expect(untyped.answers.outputSchema).toBeUndefined();
      }));
  });

  // The fast path decides from followUpsWithoutAsking whether create may run without uv, git or test-run.
  it('followUpsWithoutAsking decides install, git and test-run as resolveCreateInputs does when nobody is asked', async () => {
    const choices = [undefined, true, false];
    let combinations = 0;
    for (const yes of [undefined, true])
      for (const install of choices)
        for (const git of choices)
          for (const testRun of choices) {
            for (const fileInstall of choices)
              for (const fileGit of choices)
                for (const fileTestRun of choices) {
                  const flags = { kind: 'basic', yes, install, git, testRun };
                  const file = { install: fileInstall, git: fileGit, testRun: fileTestRun };
                  const {
                    install: i,
                    git: g,
                    testRun: t,
                  } = await resolveCreateInputs('follow-ups', flags, file, undefined);
                  expect({ install: i, git: g, testRun: t }, JSON.stringify({ flags, file })).toEqual(
                    followUpsWithoutAsking(flags, file),
                  );
                  combinations++;
                }
          }
    expect(combinations).toBe(2 * 3 ** 6);
  });
});
