// test-run's flags, checked before anything starts (bad input exits 2).
import { UsageError } from '../errors.js';
import { DEFAULT_MESSAGES, DEFAULT_TIMEOUT_S, type TestRunFlags } from './test-run-flags.js';

export type { TestRunFlags } from './test-run-flags.js';

export interface TestRunOptions {
  bootstrapServer?: string;
  messages: number;
  timeoutMs: number;
  topic?: string;
  keepTopic: boolean;
  local: boolean;
  /** Seconds the kind's stand-in dependency is down from the kernel's start (--outage). */
  outageS?: number;
  /** Values that break the kernel's schema, produced besides the samples (--invalid). */
  invalid: number;
  json: boolean;
}

function positiveInteger(value: string | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max)
    throw new UsageError(`${flag} must be a whole number from 1 to ${max} (got ${JSON.stringify(value)}).`);
  return number;
}

export function parseTestRunFlags(flags: TestRunFlags): TestRunOptions {
  if (
    flags.topic !== undefined &&
    (!/^[A-Za-z0-9._-]{1,249}$/.test(flags.topic) || flags.topic === '.' || flags.topic === '..')
  ) {
    throw new UsageError(
      `--topic must be a Kafka topic name (letters, digits, '.', '_', '-'; at most 249), got ${JSON.stringify(flags.topic)}.`,
    );
  }
  return {
    ...(flags.bootstrapServer !== undefined ? { bootstrapServer: flags.bootstrapServer } : {}),
    messages: positiveInteger(flags.messages, '--messages', DEFAULT_MESSAGES, 1_000_000),
    timeoutMs: positiveInteger(flags.timeout, '--timeout', DEFAULT_TIMEOUT_S, 3600) * 1000,
    ...(flags.topic !== undefined ? { topic: flags.topic } : {}),
    keepTopic: Boolean(flags.keepTopic),
    local: Boolean(flags.local),
    ...(flags.outage !== undefined ? { outageS: positiveInteger(flags.outage, '--outage', 0, 3600) } : {}),
    invalid: flags.invalid === undefined ? 0 : positiveInteger(flags.invalid, '--invalid', 0, 100_000),
    json: Boolean(flags.json),
  };
}
