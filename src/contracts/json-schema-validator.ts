// ajv for one JSON Schema: the 2020-12 class when the schema declares that draft, draft 07 otherwise, with formats.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { fieldName } from './pair-result.js';

export interface Refusal {
  field: string;
  message: string;
}

export type JsonValidator = (value: unknown) => Refusal | undefined;

// ajv-formats is CommonJS with a default export; under NodeNext its typing is the module, its value the plugin.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv | Ajv2020) => void;

function isDraft2020(schema: Record<string, unknown>): boolean {
  return String(schema.$schema ?? '').startsWith('https://json-schema.org/draft/2020-12/schema');
}

/** Compiles schema; throws ajv's own message when the schema itself is not valid. */
export function jsonValidator(schema: Record<string, unknown>): JsonValidator {
  // Not strict: a team's schema may carry keywords of its own (titles, x-*), which validation ignores anyway.
  const options = { strict: false, allErrors: false, validateFormats: true };
  const ajv = isDraft2020(schema) ? new Ajv2020(options) : new Ajv(options);
  addFormats(ajv);
  const validate: ValidateFunction = ajv.compile(schema);
  return (value) => (validate(value) ? undefined : refusalOf(validate.errors?.[0]));
}

function refusalOf(error: ErrorObject | undefined): Refusal {
  if (!error) return { field: '(value)', message: 'refused' };
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  // ajv reports a missing or extra property on its parent object; the field a user looks for is the property.
  if (error.keyword === 'required')
    return { field: fieldName([...segments, String(params.missingProperty)]), message: 'is required but missing' };
  if (error.keyword === 'additionalProperties')
    return {
      field: fieldName([...segments, String(params.additionalProperty)]),
      message: 'is not allowed (additionalProperties)',
    };
  if (error.keyword === 'enum')
    return { field: fieldName(segments), message: `must be one of ${JSON.stringify(params.allowedValues)}` };
  return { field: fieldName(segments), message: error.message ?? error.keyword };
}
