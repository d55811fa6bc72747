// One producer's schema against one consumer's, whatever their formats: the same encoding first, then instances.
import { SCHEMA_FORMATS, type SchemaFormat } from '../schema-formats.js';
import { checkAvroPair } from './avro-pair.js';
import { checkJsonSchemaPair } from './json-schema-pair.js';
import type { PairVerdict } from './pair-result.js';

export interface LoadedSchema {
  format: SchemaFormat;
  schema: Record<string, unknown>;
}

export interface PairOptions {
  /** How many instances must pass; the issue asks for at least 200 per pair. */
  instances: number;
  seed: number;
}

export const DEFAULT_PAIR_OPTIONS: PairOptions = { instances: 256, seed: 1 };

export function checkPair(producer: LoadedSchema, consumer: LoadedSchema, options: PairOptions): PairVerdict {
  if (producer.format !== consumer.format)
    // JSON text and Avro's binary encoding never read as each other: no instance could pass.
    return {
      result: 'incompatible',
      instances: 0,
      reason: `the producer sends ${SCHEMA_FORMATS[producer.format].label} values, the consumer reads ${SCHEMA_FORMATS[consumer.format].label}`,
    };
  return producer.format === 'avro'
    ? checkAvroPair(producer.schema, consumer.schema, options)
    : checkJsonSchemaPair(producer.schema, consumer.schema, options);
}
