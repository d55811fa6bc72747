// An Avro producer against an Avro consumer. Kernels read Avro with their own schema as the writer's (no resolution),
// so a value passes only when the consumer's schema accepts it and encodes it to the very bytes the producer sends.
import type avro from 'avsc';
import type { Type } from 'avsc';
import { Type as AvroType } from 'avsc/lib/types.js';
import { avroValue, type NullChoice } from './avro-values.js';
import { type FailingInstance, fieldName, type PairVerdict, shortJson } from './pair-result.js';
import { seededRandom } from './seeded-random.js';

// As for JSON Schema: no optional parts, all of them, then mixtures.
const NULLS: NullChoice[] = ['always', 'never', 'either', 'either'];

export function avroType(schema: unknown): Type {
  return AvroType.forSchema(schema as avro.Schema);
}

export function avroInstance(type: Type, seed: number, index: number): unknown {
  return avroValue(type, seededRandom(seed + index), NULLS[index % NULLS.length]!);
}

export function checkAvroPair(
  producerSchema: unknown,
  consumerSchema: unknown,
  options: { instances: number; seed: number },
): PairVerdict {
  const producer = avroType(producerSchema);
  const consumer = avroType(consumerSchema);
  for (let index = 0; index < options.instances; index++) {
    const instance = avroInstance(producer, options.seed, index);
    const refusal = refusalOf(producer, consumer, instance);
    if (refusal) {
      const failure: FailingInstance = { index, instance, ...refusal };
      return {
        result: 'incompatible',
        instances: index + 1,
        reason: `instance ${index} breaks the consumer's schema at ${failure.field}: ${failure.message}`,
        failure,
      };
    }
  }
  return { result: 'compatible', instances: options.instances };
}

function refusalOf(producer: Type, consumer: Type, value: unknown): { field: string; message: string } | undefined {
  let first: { field: string; message: string } | undefined;
  const valid = consumer.isValid(value, {
    errorHook: (path, refused, type) => {
      first ??= { field: fieldName(path), message: refusalMessage(refused, type) };
    },
  });
  if (!valid) return first ?? { field: '(value)', message: 'is refused' };
  if (consumer.toBuffer(value).equals(producer.toBuffer(value))) return undefined;
  return {
    field: fieldName(firstReorderedField(producer, consumer, value, [])),
    message: "is encoded differently by the consumer's schema (field order, union branches or enum symbols differ)",
  };
}

function refusalMessage(refused: unknown, type: Type): string {
  if (refused === undefined) return 'is required but missing';
  if (type.typeName === 'enum')
    return `${shortJson(refused)} must be one of ${JSON.stringify((type as avro.types.EnumType).symbols)}`;
  return `${shortJson(refused)} is not a valid ${type.typeName}`;
}

/** The path to the first record field that sits at another position (or nowhere) in the consumer's record. */
function firstReorderedField(producer: Type, consumer: Type, value: unknown, path: string[]): string[] {
  if (producer.typeName !== 'record' || consumer.typeName !== 'record') return path;
  const theirs = (consumer as avro.types.RecordType).fields;
  const ours = (producer as avro.types.RecordType).fields;
  for (const [position, field] of ours.entries()) {
    const other = theirs[position];
    if (other?.name !== field.name) return [...path, field.name];
    const inner = (value as Record<string, unknown>)[field.name];
    if (!field.type.toBuffer(inner).equals(other.type.toBuffer(inner)))
      return firstReorderedField(field.type, other.type, inner, [...path, field.name]);
  }
  return path;
}
