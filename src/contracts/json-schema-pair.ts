// A JSON Schema producer against a JSON Schema consumer: json-schema-faker makes the producer's instances, ajv judges.
import { generateSync, type GenerateOptions, type JsonSchema } from 'json-schema-faker';
import { jsonValidator } from './json-schema-validator.js';
import type { PairVerdict } from './pair-result.js';

// Each instance's optional properties: none (what a consumer that requires more misses), all (every optional
// field's type and enum reach the consumer), or each with even odds (the mixtures in between).
const OPTIONALS: GenerateOptions[] = [
  { optionalsProbability: 0 },
  { alwaysFakeOptionals: true },
  { optionalsProbability: 0.5 },
  { optionalsProbability: 0.5 },
];

/** Instance i from seed + i: the same seed replays the same instances, so a failure can be reproduced. */
export function jsonInstance(schema: Record<string, unknown>, seed: number, index: number): unknown {
  return generateSync(schema as JsonSchema, { seed: seed + index, ...OPTIONALS[index % OPTIONALS.length] });
}

export function checkJsonSchemaPair(
  producer: Record<string, unknown>,
  consumer: Record<string, unknown>,
  options: { instances: number; seed: number },
): PairVerdict {
  const producerRefusal = jsonValidator(producer);
  const consumerRefusal = jsonValidator(consumer);
  let checked = 0;
  // The generator may miss a rare constraint; an instance its own schema refuses says nothing about the consumer.
  for (let index = 0; checked < options.instances && index < options.instances * 4; index++) {
    const instance = jsonInstance(producer, options.seed, index);
    if (producerRefusal(instance)) continue;
    checked++;
    const refusal = consumerRefusal(instance);
    if (refusal)
      return {
        result: 'incompatible',
        instances: checked,
        reason: `instance ${index} breaks the consumer's schema at ${refusal.field}: ${refusal.message}`,
        failure: { index, instance, ...refusal },
      };
  }
  if (checked < options.instances)
    throw new Error(
      `only ${checked} of the instances generated from the producer's schema are valid against it; check that schema`,
    );
  return { result: 'compatible', instances: checked };
}
