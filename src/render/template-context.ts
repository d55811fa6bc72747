// What templates see: the answers plus facts derived from the kinds table.
import type { Answers } from '../create/answers.js';
import { type MetricFamily, metricSeries } from '../facts.js';
import { BASE_ENV, DEV_DEPENDENCIES, KINDS, findKind, type EnvVar } from '../kinds.js';
import {
  ANSWER_MODEL_PATH,
  MODEL_PATH,
  REGENERATE_MODEL_COMMAND,
  SCHEMA_DEV_DEPENDENCIES,
  SCHEMA_ENV,
  SCHEMA_FORMATS,
  SCHEMA_HYPOTHESIS,
  schemaFormatOf,
} from '../schema-formats.js';
import { runtimeRequirement } from './runtime-dependency.js';

/** What templates know of a kernel's schema; the model's class is always importable as `Payload`. */
export interface SchemaContext {
  file: string;
  isAvro: boolean;
  formatLabel: string;
  model: string;
  regenerate: string;
}

export interface TemplateContext {
  name: string;
  topic: string;
  group: string;
  kind: string;
  kindLabel: string;
  kindDescription: string;
  /** snake_case of the name, for Python identifiers and SQL table names. */
  snakeName: string;
  generatorVersion: string;
  is: Record<string, boolean>;
  /** Whether the kind publishes to OUTPUT_TOPIC (topics.toml then declares an [output] table). */
  publishes: boolean;
  /** The kernel's dependencies: the runtime with the extras of its kind and schema. */
  dependencies: string[];
  devDependencies: string[];
  /** The `tracing` group: the runtime's tracing extra and the kind's instrumentations. */
  tracingDependencies: string[];
  /** The folder uv installs the runtime from (a kernel made from a clone); absent: from the package index. */
  runtimePath?: string;
  /** The package index that serves the runtime (`--python-index`); absent: uv's default index. */
  pythonIndex?: string;
  /** The libraries whose official instrumentation the tracing group adds, for the README ('' when none). */
  tracingInstrumentations: string;
  /** The base variables; `kernelDefault` is this kernel's value when the variable is left empty. */
  baseEnv: (EnvVar & { kernelDefault?: string })[];
  kindEnv: EnvVar[];
  samplePayload: string;
  /** Absent when the kernel's messages are untyped. */
  schema?: SchemaContext;
  /** Top level, as base templates ask it of every kernel and the template compiler does not guard `schema.isAvro`. */
  schemaIsAvro: boolean;
  schemaEnv: EnvVar[];
  /** ai only: what the answers published to OUTPUT_TOPIC must satisfy; absent when they are untyped. */
  outputSchema?: SchemaContext;
  /** Whether a model is generated from a JSON Schema (the generator's script then needs a temporary directory). */
  modelsFromJsonSchema: boolean;
  /** The kernel's metric series by family (`metrics.messages` is clustera_kernel_messages_total), for queries. */
  metrics: Record<MetricFamily, string>;
}

export function buildTemplateContext(
  answers: Answers,
  generatorVersion: string,
  runtimePath: string | undefined,
  /** The release whose runtime line the kernel requires; by default this package's (see renderPlan). */
  runtimeVersion?: string,
): TemplateContext {
  const kind = findKind(answers.kind);
  if (!kind) throw new Error(`unknown kind ${answers.kind}`);
  const schema = answers.schema === undefined ? undefined : schemaContext(answers.schema);
  const format = answers.schema === undefined ? undefined : SCHEMA_FORMATS[schemaFormatOf(answers.schema)];
  const outputSchema =
    answers.outputSchema === undefined ? undefined : schemaContext(answers.outputSchema, ANSWER_MODEL_PATH);
  // The answer's generator joins the payload's when its format differs.
  const outputGenerator =
    answers.outputSchema === undefined ? undefined : SCHEMA_FORMATS[schemaFormatOf(answers.outputSchema)].generator;
  const generators = [...new Set([format?.generator, outputGenerator].filter((g): g is string => g !== undefined))];
  const { schema: _schemaFile, outputSchema: _outputSchemaFile, pythonIndex, ...plainAnswers } = answers;
  const extras = [kind.runtimeExtra, schema || outputSchema ? 'schema' : undefined].filter(
    (extra): extra is string => extra !== undefined,
  );
  return {
    ...plainAnswers,
    kindLabel: kind.label,
    kindDescription: kind.description,
    snakeName: answers.name.replace(/-/g, '_'),
    generatorVersion,
    is: Object.fromEntries(KINDS.map((k) => [k.name, k.name === kind.name])),
    publishes: kind.env.some((variable) => variable.name === 'OUTPUT_TOPIC'),
    // Either schema brings the runtime's schema extra: pydantic, Avro and the schema registry's deserializers.
    dependencies: [runtimeRequirement(extras, runtimeVersion)],
    devDependencies:
      generators.length > 0
        ? [
            ...DEV_DEPENDENCIES.map((d) => (d.startsWith('hypothesis') ? SCHEMA_HYPOTHESIS : d)),
            ...generators,
            ...SCHEMA_DEV_DEPENDENCIES,
          ].sort()
        : DEV_DEPENDENCIES,
    tracingDependencies: [runtimeRequirement(['tracing'], runtimeVersion), ...kind.tracingDependencies],
    // A named index serves the runtime in place of this checkout's folder.
    ...(pythonIndex === undefined && runtimePath !== undefined ? { runtimePath } : {}),
    ...(pythonIndex === undefined ? {} : { pythonIndex }),
    tracingInstrumentations: kind.tracingDependencies
      .map((d) => d.replace(/^opentelemetry-instrumentation-([a-z0-9]+).*$/, '$1'))
      .join(', '),
    baseEnv: BASE_ENV.map((v) => ({ ...v, kernelDefault: kernelDefaults(answers)[v.name] })),
    kindEnv: kind.env,
    samplePayload: JSON.stringify(kind.samplePayload),
    ...(schema ? { schema } : {}),
    schemaIsAvro: schema?.isAvro === true,
    schemaEnv: schema ? SCHEMA_ENV : [],
    ...(outputSchema ? { outputSchema } : {}),
    modelsFromJsonSchema: [schema, outputSchema].some((context) => context !== undefined && !context.isAvro),
    metrics: metricSeries(),
  };
}

function schemaContext(file: string, model = MODEL_PATH): SchemaContext {
  const format = schemaFormatOf(file);
  return {
    file,
    isAvro: format === 'avro',
    formatLabel: SCHEMA_FORMATS[format].label,
    model,
    regenerate: REGENERATE_MODEL_COMMAND,
  };
}

// Shown in .env.template beside the variables that fall back to an answer, so the file names this kernel's values.
function kernelDefaults(answers: Answers): Record<string, string> {
  return { KAFKA_TOPIC: answers.topic, KAFKA_CONSUMER_GROUP: answers.group };
}
