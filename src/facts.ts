// The facts the CLI shares with the kernel runtime (variables, naming rules, metric and header names), read from the
// runtime package's facts.json. The build bundles the file, so the published CLI, which ships no runtime/, has it too.
// runtime/tests/test_facts.py holds the runtime to it; test/unit/facts.test.ts holds the CLI and the templates.
import facts from '../runtime/src/kernel_runtime/facts.json' with { type: 'json' };

export interface RuntimeVariable {
  name: string;
  description: string;
  required?: boolean;
  secret?: boolean;
  /** What the runtime uses when the variable is unset, as .env would write it. */
  default?: string;
  /** For .env.template, when there is no default to show. */
  example?: string;
}

/** The variables the runtime reads in every kernel. */
export const RUNTIME_ENV: readonly RuntimeVariable[] = facts.env.runtime;
/** Read by the runtime, but each kind declares them with its own default. */
export const PER_KIND_ENV: readonly string[] = facts.env.perKind;
/** Set to 1, the kernel's runtime reads no .env. */
export const IGNORE_DOTENV: string = facts.env.ignoreDotenv;

const { kernel, kafka, brokerAddress, defaults } = facts.names;
export const KERNEL_NAME = {
  pattern: new RegExp(kernel.pattern),
  minLength: kernel.minLength,
  maxLength: kernel.maxLength,
};
export const KAFKA_NAME = { pattern: new RegExp(kafka.pattern), maxLength: kafka.maxLength, reserved: kafka.reserved };
/** host:port; the port is the first group. */
export const BROKER_ADDRESS_PATTERN: string = brokerAddress.pattern;
export const MAX_PORT: number = brokerAddress.maxPort;

export function defaultTopicFor(kernelName: string): string {
  return defaults.topic.replace('{name}', kernelName);
}

export function defaultGroupFor(kernelName: string): string {
  return defaults.group.replace('{name}', kernelName);
}

export type MetricFamily = keyof typeof facts.metrics.families;

/** The family's name as the kernel's /metrics declares it (a counter's samples add _total, a histogram's _bucket). */
export function metricName(family: MetricFamily): string {
  return `${facts.metrics.prefix}_${family}`;
}

/** The series a query names for each family: a counter's _total, a gauge's or a histogram's own name (+ _bucket). */
export function metricSeries(): Record<MetricFamily, string> {
  const entries = Object.entries(facts.metrics.families) as [MetricFamily, string][];
  return Object.fromEntries(
    entries.map(([family, type]) => [family, `${metricName(family)}${type === 'counter' ? '_total' : ''}`]),
  ) as Record<MetricFamily, string>;
}

/** What the runtime adds to a dead-lettered message. */
export const DEAD_LETTER_HEADERS = facts.headers.deadLetter;
/** Where a dead letter's message was first consumed; carried unchanged across replays. */
export const ORIGIN_HEADERS = facts.headers.origin;
/** What `clustera-kernel dlq replay` adds to a message it sends back. */
export const REPLAY_HEADERS = facts.headers.replay;
/** What an ai kernel's runtime adds to every published answer. */
export const ANSWER_HEADERS = facts.headers.answer;

const topicDeclaration = facts.topicDeclaration;
export type TopicRole = keyof typeof topicDeclaration.roles;
/** The kernel's declared topics: the file beside main.py, its tables (each role, by the setting naming its topic), keys. */
export const TOPIC_DECLARATION = {
  file: topicDeclaration.file,
  roles: topicDeclaration.roles,
  keys: topicDeclaration.keys,
};
export const CLEANUP_POLICIES: readonly string[] = topicDeclaration.cleanupPolicies;
