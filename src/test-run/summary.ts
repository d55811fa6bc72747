// The outcome of a test-run: the JSON shape printed by --json, and the human summary.

import type { Percentiles } from './commit-delay.js';
import { type CircuitSeen, formatOpenSeconds } from './circuit-watch.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** --invalid: values breaking the kernel's schema, and how many reached the DLQ with the expected schema reason. */
export interface InvalidCount {
  produced: number;
  deadLettered: number;
}

export interface TestRunResult {
  ok: boolean;
  command: 'test-run';
  directory: string;
  kind: string;
  broker: {
    /** flag, .env, environment, or local (an ephemeral broker started for this run). */
    from: 'flag' | '.env' | 'environment' | 'local';
    bootstrapServers: string;
    /** Kafka version of a local broker; null for a configured one (Kafka does not report it to clients). */
    version: string | null;
    /** How a local broker ran: docker or java. */
    route: 'docker' | 'java' | null;
    brokers: number | null;
  };
  topic: string;
  dlqTopic: string;
  group: string;
  samplesFrom: string;
  messages: { produced: number; processed: number; deadLettered: number; invalid?: InvalidCount };
  /** The whole run: broker start, install, topics, the kernel, cleanup. */
  wallSeconds: number;
  /** Of wallSeconds, starting the local broker; null for a configured one. */
  brokerStartSeconds: number | null;
  /** From the first test message sent to the first poll that saw every offset committed; null if that never came. */
  kernelSeconds: number | null;
  /** Messages processed over kernelSeconds: the kernel's rate; null when kernelSeconds is. */
  messagesPerSecond: number | null;
  latency: {
    /** process_message per attempt, read from the kernel's processing-time histogram (bucket-interpolated). */
    processingSeconds: Percentiles | null;
    /** From each message's produce to the first poll (every 100 ms) that saw it committed. */
    produceToCommitSeconds: Percentiles | null;
  };
  standIns: string[];
  effect: { label: string; count: number | null; expected: number };
  kernelExitCode: number | null;
  topicsDeleted: boolean;
  /** Topics this run created and left in place (--keep-topic), with the test group's offsets. */
  keptTopics: string[];
  /** How the kernel's environment was prepared: installed now, synced, or the existing one because uv sync failed. */
  environment: 'installed' | 'synced' | 'existing' | null;
  /** With --outage: how long the stand-in was down, when it was back, and what the kernel's circuit did (from /metrics). */
  outage: { seconds: number; backAfterS: number | null; circuit: CircuitSeen } | null;
  checks: Check[];
  error: string | null;
  /** The kernel's last log lines when something failed. */
  logTail: string | null;
  exitCode: number;
}

function formatPercentiles(p: Percentiles | null): string {
  if (p === null) return 'not measured';
  const ms = (seconds: number) => `${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 0)} ms`;
  return `p50 ${ms(p.p50)}, p95 ${ms(p.p95)}, p99 ${ms(p.p99)}`;
}

function timeLine(result: TestRunResult): string {
  const broker = result.brokerStartSeconds === null ? '' : ` (broker start ${result.brokerStartSeconds.toFixed(1)} s)`;
  const kernel =
    result.kernelSeconds === null || result.messagesPerSecond === null
      ? 'kernel rate not measured (its commits never reached the end)'
      : `kernel ${result.kernelSeconds.toFixed(1)} s from first message to last commit, ${formatRate(result.messagesPerSecond)} msg/s`;
  return `${result.wallSeconds.toFixed(1)} s in all${broker}; ${kernel}`;
}

function formatRate(perSecond: number): string {
  return perSecond >= 100 ? Math.round(perSecond).toLocaleString('en-US') : perSecond.toFixed(1);
}

function topicsNote(result: TestRunResult): string {
  if (result.topicsDeleted) return ' (deleted)';
  if (result.keptTopics.length === 0) return '';
  if (result.broker.from === 'local')
    return ' (kept by --keep-topic until the local broker stopped, which removed them)';
  return ` (kept by --keep-topic: ${result.keptTopics.join(', ')}; delete them with kafka-topics.sh --delete --topic <name>)`;
}

function outageLine(outage: NonNullable<TestRunResult['outage']>, deadLettered: number): string {
  const { circuit } = outage;
  const back = outage.backAfterS === null ? 'not back' : `back after ${outage.backAfterS.toFixed(1)} s`;
  const opened =
    circuit.opened === 0
      ? 'circuit never opened'
      : `circuit opened (${circuit.opened} opening(s) of ${circuit.dependencies.join(', ')})`;
  const closed =
    circuit.opened === 0
      ? 'never closed'
      : circuit.closed < circuit.opened
        ? 'still open at the end'
        : `closed after ${formatOpenSeconds(circuit.openSeconds)} open`;
  return `stand-in down for the first ${outage.seconds} s (${back}); ${opened}, ${closed}; ${deadLettered} dead-lettered`;
}

export function formatSummary(result: TestRunResult): string {
  const { messages, broker } = result;
  // A run stopped by its settings (say, a bad certificate) never chose a broker.
  const brokerLine =
    broker.bootstrapServers === ''
      ? 'none: the run stopped before choosing one'
      : broker.from === 'local'
        ? `local Kafka ${broker.version} (${broker.route}, stopped) at ${broker.bootstrapServers}`
        : `${broker.bootstrapServers} (from ${broker.from}${broker.brokers === null ? '' : `, ${broker.brokers} broker${broker.brokers === 1 ? '' : 's'}`})`;
  const lines = [
    result.ok ? 'test-run passed' : `test-run FAILED: ${result.error ?? 'a check did not hold'}`,
    `  messages   ${messages.produced} produced, ${messages.processed} processed, ${messages.deadLettered} dead-lettered (samples from ${result.samplesFrom})`,
    `  time       ${timeLine(result)}`,
    `  processing ${formatPercentiles(result.latency.processingSeconds)} (kernel histogram)`,
    `  delay      ${formatPercentiles(result.latency.produceToCommitSeconds)} (produce to commit)`,
    `  broker     ${brokerLine}`,
    `  topics     ${result.topic} -> dead letters ${result.dlqTopic}, group ${result.group}${topicsNote(result)}`,
    `  effect     ${result.effect.count === null ? 'not observable from here' : `${result.effect.count} ${result.effect.label} (expected ${result.effect.expected})`}`,
    `  stand-ins  ${result.standIns.length === 0 ? 'none' : result.standIns.map((s) => `${s} [STAND-IN]`).join('; ')}`,
    ...(result.outage ? [`  outage     ${outageLine(result.outage, messages.deadLettered)}`] : []),
    ...(messages.invalid
      ? [
          `  invalid    ${messages.invalid.produced} breaking the schema, ${messages.invalid.deadLettered} dead-lettered with its reason`,
        ]
      : []),
    ...result.checks.map((check) => `  ${check.ok ? 'ok  ' : 'FAIL'}       ${check.name}: ${check.detail}`),
  ];
  if (result.logTail) lines.push('--- last lines of the kernel log ---', result.logTail);
  return `${lines.join('\n')}\n`;
}
