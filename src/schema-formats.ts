// What a schema adds to a kernel: the table the renderer, `kinds` and the README read for typed messages.
import type { EnvVar } from './kinds.js';

export type SchemaFormat = 'json-schema' | 'avro';

export interface SchemaFormatFacts {
  label: string;
  /** The model generator: a dev dependency of the kernel, also run once by create in a throwaway uv environment. */
  generator: string;
}

export const SCHEMA_FORMATS: Record<SchemaFormat, SchemaFormatFacts> = {
  'json-schema': { label: 'JSON Schema', generator: 'datamodel-code-generator>=0.89,<0.90' },
  // Its model generator writes plain pydantic v2 classes (no runtime dependency on it) and maps Avro's logical types.
  avro: { label: 'Avro', generator: 'dataclasses-avroschema>=0.71.1,<0.72' },
};

/** Dev dependencies of every kernel with a schema: samples and the property test come from hypothesis-jsonschema. */
export const SCHEMA_DEV_DEPENDENCIES = ['hypothesis-jsonschema>=0.23,<0.24'];
// hypothesis-jsonschema 0.23.1 calls an internal of hypothesis that 6.170.10 changed (seen: 'many' has no 'more').
export const SCHEMA_HYPOTHESIS = 'hypothesis>=6.100,<6.170.10';

/** Replaces the base's confluent-kafka: the schema-registry deserializers and fastavro come with these extras. */
export const SCHEMA_DEPENDENCIES = ['confluent-kafka[avro,json,schemaregistry]>=2.6,<3', 'pydantic[email]>=2.7,<3'];

export const MODEL_PATH = 'payload_model.py';
/** The model of an ai kernel's answers, generated from its output schema by the same script. */
export const ANSWER_MODEL_PATH = 'answer_model.py';
/** Generated with the model when create runs, so a kernel with a schema does not get its kind's sample. */
export const SAMPLES_PATH = 'tests/sample_messages.jsonl';
export const REGENERATE_MODEL_COMMAND = 'uv run python schemas/generate_model.py';
/** The line of the model that records the hash of the schema it was generated from (check compares them). */
export const SCHEMA_HASH_PREFIX = '# schema-sha256: ';

export const SCHEMA_ENV: EnvVar[] = [
  {
    name: 'SCHEMA_REGISTRY_URL',
    description:
      "Confluent-compatible schema registry; values in its wire format are decoded with the registry's schema (never registered)",
    example: '',
    required: false,
  },
  {
    name: 'SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO',
    description: "The registry's basic-auth credentials as <user>:<password>",
    example: '',
    required: false,
    secret: true,
  },
  {
    name: 'SCHEMA_REGISTRY_SUBJECT',
    description: 'Subject whose latest schema is checked for compatibility at start-up (default: <topic>-value)',
    example: '',
    required: false,
  },
];

export function schemaFormatOf(kernelPath: string): SchemaFormat {
  return kernelPath.endsWith('.avsc') ? 'avro' : 'json-schema';
}
