// What templates see: the answers plus facts derived from the kinds table.
import type { Answers } from '../create/answers.js';
import {
  BASE_DEPENDENCIES,
  BASE_ENV,
  DEV_DEPENDENCIES,
  KINDS,
  TRACING_DEPENDENCIES,
  findKind,
  type EnvVar,
} from '../kinds.js';

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
  dependencies: string[];
  devDependencies: string[];
  tracingDependencies: string[];
  /** The libraries whose official instrumentation the tracing group adds, for the README ('' when none). */
  tracingInstrumentations: string;
  /** The base variables; `kernelDefault` is this kernel's value when the variable is left empty. */
  baseEnv: (EnvVar & { kernelDefault?: string })[];
  kindEnv: EnvVar[];
  samplePayload: string;
}

export function buildTemplateContext(answers: Answers, generatorVersion: string): TemplateContext {
  const kind = findKind(answers.kind);
  if (!kind) throw new Error(`unknown kind ${answers.kind}`);
  return {
    ...answers,
    kindLabel: kind.label,
    kindDescription: kind.description,
    snakeName: answers.name.replace(/-/g, '_'),
    generatorVersion,
    is: Object.fromEntries(KINDS.map((k) => [k.name, k.name === kind.name])),
    dependencies: [...BASE_DEPENDENCIES, ...kind.dependencies],
    devDependencies: DEV_DEPENDENCIES,
    tracingDependencies: [...TRACING_DEPENDENCIES, ...kind.tracingDependencies],
    tracingInstrumentations: kind.tracingDependencies
      .map((d) => d.replace(/^opentelemetry-instrumentation-([a-z0-9]+).*$/, '$1'))
      .join(', '),
    baseEnv: BASE_ENV.map((v) => ({ ...v, kernelDefault: kernelDefaults(answers)[v.name] })),
    kindEnv: kind.env,
    samplePayload: JSON.stringify(kind.samplePayload),
  };
}

// Shown in .env.template beside the variables that fall back to an answer, so the file names this kernel's values.
function kernelDefaults(answers: Answers): Record<string, string> {
  return { KAFKA_TOPIC: answers.topic, KAFKA_CONSUMER_GROUP: answers.group };
}
