// The pair checker of `contracts`: what a producer's schema may send, checked against what a consumer's accepts.
import { describe, expect, it } from 'vitest';
import { checkPair, DEFAULT_PAIR_OPTIONS, type LoadedSchema } from '../../src/contracts/check-pair.js';
import { jsonInstance } from '../../src/contracts/json-schema-pair.js';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

/** An order as a producer publishes it: draft 07, a $ref within the file, formats, an enum, optional fields. */
function order(overrides: { status?: string[]; quantityType?: string; required?: string[]; draft?: string } = {}) {
  const draft = overrides.draft ?? DRAFT_07;
  const defs = draft === DRAFT_07 ? 'definitions' : '$defs';
  return {
    $schema: draft,
    type: 'object',
    required: overrides.required ?? ['id', 'placedAt', 'status'],
    [defs]: {
      money: {
        type: 'object',
        required: ['amount'],
        properties: { amount: { type: 'number', minimum: 0 }, currency: { enum: ['EUR', 'USD'] } },
      },
    },
    properties: {
      id: { type: 'string', format: 'uuid' },
      placedAt: { type: 'string', format: 'date-time' },
      customer: { type: 'string', format: 'email' },
      status: { type: 'string', enum: overrides.status ?? ['new', 'paid'] },
      quantity: { type: overrides.quantityType ?? 'integer', minimum: 1 },
      total: { $ref: `#/${defs}/money` },
    },
  };
}

const json = (schema: Record<string, unknown>): LoadedSchema => ({ format: 'json-schema', schema });
const avro = (schema: Record<string, unknown>): LoadedSchema => ({ format: 'avro', schema });

function record(fields: { name: string; type: unknown }[]) {
  return { type: 'record', name: 'Order', namespace: 'shop', fields };
}
const AVRO_FIELDS = [
  { name: 'id', type: 'string' },
  { name: 'quantity', type: 'int' },
  { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
  { name: 'note', type: ['null', 'string'] },
];

describe('contracts: one producer against one consumer', () => {
  it('passes every one of at least 200 instances when the consumer accepts what the producer sends', () => {
    const verdict = checkPair(json(order()), json(order()), DEFAULT_PAIR_OPTIONS);
    expect(verdict).toEqual({ result: 'compatible', instances: 256 });
  });

  it('passes a draft 07 producer against a 2020-12 consumer with the same shape', () => {
    expect(checkPair(json(order()), json(order({ draft: DRAFT_2020 })), DEFAULT_PAIR_OPTIONS).result).toBe(
      'compatible',
    );
  });

  it('generates instances with and without optional fields, the same ones for the same seed', () => {
    const schema = order();
    const instances = Array.from({ length: 256 }, (_, i) => jsonInstance(schema, 1, i) as Record<string, unknown>);
    expect(instances.some((instance) => !('total' in instance) && !('customer' in instance))).toBe(true);
    expect(instances.some((instance) => 'total' in instance && 'customer' in instance)).toBe(true);
    expect(jsonInstance(schema, 1, 17)).toEqual(instances[17]);
  });

  it('fails on a field the consumer requires and the producer lacks, naming the instance and the field', () => {
    const consumer = order({ required: ['id', 'placedAt', 'status', 'total'] });
    const verdict = checkPair(json(order()), json(consumer), DEFAULT_PAIR_OPTIONS);
    expect(verdict.result).toBe('incompatible');
    if (verdict.result !== 'incompatible') return;
    expect(verdict.failure).toMatchObject({ index: 0, field: 'total', message: 'is required but missing' });
    expect(verdict.failure!.instance).toEqual(jsonInstance(order(), 1, 0));
    expect(verdict.reason).toContain('at total');
  });

  it('fails on a type that differs, naming the field', () => {
    const verdict = checkPair(json(order()), json(order({ quantityType: 'string' })), DEFAULT_PAIR_OPTIONS);
    expect(verdict).toMatchObject({
      result: 'incompatible',
      failure: { field: 'quantity', message: 'must be string' },
    });
  });

  it('fails on an enum value the consumer does not know', () => {
    const producer = order({ status: ['new', 'paid', 'refunded'] });
    const verdict = checkPair(json(producer), json(order()), DEFAULT_PAIR_OPTIONS);
    expect(verdict).toMatchObject({ result: 'incompatible', failure: { field: 'status' } });
    if (verdict.result !== 'incompatible') return;
    expect((verdict.failure!.instance as { status: string }).status).toBe('refunded');
    expect(verdict.failure!.message).toBe('must be one of ["new","paid"]');
  });

  it('fails on a format the consumer adds that the producer does not promise', () => {
    const producer = order();
    const consumer = order();
    (consumer.properties.customer as Record<string, unknown>).format = 'uuid';
    const verdict = checkPair(json(producer), json(consumer), DEFAULT_PAIR_OPTIONS);
    expect(verdict).toMatchObject({
      result: 'incompatible',
      failure: { field: 'customer', message: 'must match format "uuid"' },
    });
  });

  describe('Avro', () => {
    it('passes the same record', () => {
      expect(checkPair(avro(record(AVRO_FIELDS)), avro(record(AVRO_FIELDS)), DEFAULT_PAIR_OPTIONS)).toEqual({
        result: 'compatible',
        instances: 256,
      });
    });

    it("generates values of every Avro type that the producer's own schema accepts", () => {
      const line = {
        type: 'record',
        name: 'Line',
        fields: [
          { name: 'sku', type: { type: 'fixed', name: 'Sku', size: 4 } },
          { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
          { name: 'next', type: ['null', 'Line'] },
        ],
      };
      const everything = record([
        ...AVRO_FIELDS,
        { name: 'paid', type: 'boolean' },
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'weight', type: 'float' },
        { name: 'total', type: 'double' },
        { name: 'lines', type: { type: 'array', items: line } },
        { name: 'labels', type: { type: 'map', values: 'string' } },
        { name: 'ref', type: ['null', 'int', 'string'] },
        { name: 'either', type: ['int', 'long'] },
      ]);
      expect(checkPair(avro(everything), avro(everything), DEFAULT_PAIR_OPTIONS)).toEqual({
        result: 'compatible',
        instances: 256,
      });
    });

    it('fails on a field the producer lacks', () => {
      const consumer = record([...AVRO_FIELDS, { name: 'total', type: 'double' }]);
      expect(checkPair(avro(record(AVRO_FIELDS)), avro(consumer), DEFAULT_PAIR_OPTIONS)).toMatchObject({
        result: 'incompatible',
        failure: { index: 0, field: 'total', message: 'is required but missing' },
      });
    });

    it('fails on a type that differs and on an enum symbol the consumer does not know', () => {
      const asString = AVRO_FIELDS.map((field) => (field.name === 'quantity' ? { ...field, type: 'string' } : field));
      expect(checkPair(avro(record(AVRO_FIELDS)), avro(record(asString)), DEFAULT_PAIR_OPTIONS)).toMatchObject({
        result: 'incompatible',
        failure: { field: 'quantity' },
      });
      const moreSymbols = AVRO_FIELDS.map((field) =>
        field.name === 'status'
          ? { ...field, type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'REFUNDED'] } }
          : field,
      );
      const verdict = checkPair(avro(record(moreSymbols)), avro(record(AVRO_FIELDS)), DEFAULT_PAIR_OPTIONS);
      expect(verdict).toMatchObject({ result: 'incompatible', failure: { field: 'status' } });
      if (verdict.result === 'incompatible') expect(verdict.failure!.message).toContain('"REFUNDED" must be one of');
    });

    it('fails when the consumer orders the same fields differently: it would decode other values', () => {
      const reordered = [AVRO_FIELDS[1]!, AVRO_FIELDS[0]!, AVRO_FIELDS[2]!, AVRO_FIELDS[3]!];
      expect(checkPair(avro(record(AVRO_FIELDS)), avro(record(reordered)), DEFAULT_PAIR_OPTIONS)).toMatchObject({
        result: 'incompatible',
        failure: { field: 'id' },
      });
    });
  });

  it('fails a pair whose encodings differ, either way round, with the reason', () => {
    expect(checkPair(avro(record(AVRO_FIELDS)), json(order()), DEFAULT_PAIR_OPTIONS)).toEqual({
      result: 'incompatible',
      instances: 0,
      reason: 'the producer sends Avro values, the consumer reads JSON Schema',
    });
    expect(checkPair(json(order()), avro(record(AVRO_FIELDS)), DEFAULT_PAIR_OPTIONS).result).toBe('incompatible');
  });
});
