// The stand-in model's structured answers: what test-run's ai kernel with an output schema receives.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatResponder } from '../../src/stand-ins/echo-model.js';
import { schemaInstance } from '../../src/stand-ins/schema-instance.js';

const SCHEMAS = join(import.meta.dirname, '..', 'fixtures', 'schemas');

describe('schemaInstance', () => {
  it('gives the required fields of a JSON Schema, its first enum value, its bounds and the echoed text', () => {
    const verdict = JSON.parse(readFileSync(join(SCHEMAS, 'verdict.schema.json'), 'utf8'));
    expect(schemaInstance(verdict, 'Is Kafka fast?')).toEqual({
      label: 'positive',
      confidence: 0,
      summary: 'echo: Is Kafka fast?',
    });
  });

  it("follows pydantic's $defs, optional anyOf branches, formats, exclusive minimums and minimum sizes", () => {
    const schema = {
      $defs: { Line: { properties: { sku: { type: 'string', maxLength: 4 } }, required: ['sku'], type: 'object' } },
      properties: {
        lines: { items: { $ref: '#/$defs/Line' }, minItems: 2, type: 'array' },
        price: { exclusiveMinimum: 0, exclusiveMaximum: 0.5, type: 'number' },
        count: { exclusiveMinimum: 3, type: 'integer' },
        at: { anyOf: [{ format: 'date-time', type: 'string' }, { type: 'null' }] },
        code: { minLength: 12, type: 'string' },
        kind: { const: 'fixed' },
        note: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null },
      },
      required: ['lines', 'price', 'count', 'at', 'code', 'kind'],
      type: 'object',
    };
    expect(schemaInstance(schema, 'hi')).toEqual({
      lines: [{ sku: 'echo' }, { sku: 'echo' }],
      price: 0.25,
      count: 4,
      at: '2000-01-01T00:00:00Z',
      code: 'echo: hi....',
      kind: 'fixed',
    });
  });
});

describe('chatResponder', () => {
  const request = (body: unknown) => ({
    method: 'POST',
    path: '/v1/chat/completions',
    headers: {},
    body: JSON.stringify(body),
  });
  const contentOf = (reply: { body?: unknown }) =>
    (reply.body as { choices: { message: { content: string } }[] }).choices[0]!.message.content;

  it('echoes plain requests and answers a json_schema request with JSON the schema accepts', () => {
    const respond = chatResponder((text) => `echo: ${text}`);
    const messages = [{ role: 'user', content: 'ping' }];
    expect(contentOf(respond(request({ messages })))).toBe('echo: ping');
    const schema = { type: 'object', properties: { reply: { type: 'string' } }, required: ['reply'] };
    const structured = respond(
      request({ messages, response_format: { type: 'json_schema', json_schema: { schema } } }),
    );
    expect(JSON.parse(contentOf(structured))).toEqual({ reply: 'echo: ping' });
  });
});
