// One test-run, step by step: broker, stand-ins, topics, messages, the kernel, committed offsets, effects, cleanup.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { FailureError, UsageError } from '../errors.js';
import { findFreePort } from '../infra/free-port.js';
import { watchCircuit } from './circuit-watch.js';
import type { CleanupStack } from './cleanup.js';
import { CommitDelays, percentiles } from './commit-delay.js';
import { readDotEnv } from './dot-env.js';
import { kafkaFor } from './kafka-client.js';
import type { KernelDir } from './kernel-dir.js';
import { processingPercentiles, scrapeMetrics, waitForReady } from './kernel-metrics.js';
import { ensureInstalled, IGNORE_DOTENV, startKernel, uvEnv, type RunningKernel } from './kernel-process.js';
import { startKindServices } from './kind-services.js';
import { startLocalBroker } from './local-broker.js';
import type { TestRunOptions } from './options.js';
import type { Progress } from './progress.js';
import { readDeadLetters } from './dead-letters.js';
import { buildMessages, readSamples, SAMPLE_MESSAGES_FILE } from './sample-messages.js';
import { SampleRejected, schemaValues, type SchemaValues } from './schema-values.js';
import { brokerSettings, dotEnvBeneath, lookupIn, type BrokerSettings } from './settings.js';
import type { Check, TestRunResult } from './summary.js';
import {
  createTopics,
  deleteTopics,
  processedCount,
  produceMessages,
  topicCount,
  topicSpan,
  waitForCommitted,
} from './topics.js';

const LOG_TAIL_LINES = 30;
const PARTITIONS = 3;
// Security variables a local broker must not get from .env: it speaks plain text.
const SECURITY_VARIABLES = [
  'KAFKA_CA_CERT',
  'KAFKA_CLIENT_CERT',
  'KAFKA_CLIENT_KEY',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
];

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function connectWithin(admin: Admin, servers: string, from: string, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  try {
    await Promise.race([admin.connect(), timeout]);
  } catch (error) {
    void admin.disconnect().catch(() => undefined);
    throw new FailureError(
      `Could not connect to Kafka at ${servers} (from ${from}): ${messageOf(error)}; check the address, that the broker is running, and the TLS and SASL settings.`,
    );
  } finally {
    clearTimeout(timer);
  }
}

/** The circuit opened during the stand-in's outage, closed once it was back, and no message was dead-lettered. */
function outageChecks(outage: NonNullable<TestRunResult['outage']>, deadLettered: number): Check[] {
  const { circuit } = outage;
  return [
    {
      name: 'circuit opened during the outage',
      ok: circuit.opened >= 1,
      detail: circuit.openedLine ?? 'the kernel never logged "Circuit opened"',
    },
    {
      name: 'circuit closed once the dependency was back',
      ok: circuit.closed >= 1 && circuit.closed === circuit.opened,
      detail:
        circuit.openSeconds === null
          ? 'the kernel never logged "Circuit closed"'
          : `closed after ${circuit.openSeconds} s open (${circuit.opened} opening(s), ${circuit.closed} closing(s))`,
    },
    {
      name: 'nothing dead-lettered for the outage',
      ok: deadLettered === 0,
      detail: `${deadLettered} dead-lettered`,
    },
  ];
}

export async function runTestRun(
  kernel: KernelDir,
  options: TestRunOptions,
  progress: Progress,
  cleanup: CleanupStack,
): Promise<TestRunResult> {
  const started = Date.now();
  let badInput = false;
  if (options.invalid > 0 && !kernel.schema)
    throw new UsageError('--invalid needs a kernel with a schema (create --schema <file>); this one has none.');
  const fileEnv = readDotEnv(join(kernel.dir, '.env'));
  const dotEnv = options.local ? {} : fileEnv;
  const env = options.local ? {} : process.env;
  const lookup = lookupIn(fileEnv, process.env);
  const runId = randomBytes(4).toString('hex');
  const topic = options.topic ?? `${kernel.topic}.testrun.${runId}`;
  const dlqTopic = `${topic}.dlq`;
  const group = `${kernel.group}.testrun.${runId}`;
  const samples = readSamples(kernel.dir, kernel.kind);
  const checks: Check[] = [];
  const result: TestRunResult = {
    ok: false,
    command: 'test-run',
    directory: kernel.dir,
    kind: kernel.kind.name,
    broker: { from: 'local', bootstrapServers: '', version: null, route: null, brokers: null },
    topic,
    dlqTopic,
    group,
    samplesFrom: samples.from,
    messages: { produced: 0, processed: 0, deadLettered: 0 },
    wallSeconds: 0,
    brokerStartSeconds: null,
    kernelSeconds: null,
    messagesPerSecond: null,
    latency: { processingSeconds: null, produceToCommitSeconds: null },
    standIns: [],
    effect: { label: '', count: null, expected: 0 },
    kernelExitCode: null,
    topicsDeleted: false,
    keptTopics: [],
    environment: null,
    outage: null,
    checks,
    error: null,
    logTail: null,
    exitCode: 1,
  };
  let running: RunningKernel | undefined;
  try {
    // 1. The broker: configured, or an ephemeral local one.
    const configured = brokerSettings(options.bootstrapServer, dotEnv, env);
    let settings: Pick<BrokerSettings, 'bootstrapServers' | 'tls' | 'sasl'>;
    // The environment wins over .env for the kernel too, as it does for test-run's own settings. test-run hands the
    // kernel .env as it read it and tells it not to read .env again, so a variable blanked below stays blank.
    const kernelEnv: Record<string, string> = { ...dotEnvBeneath(fileEnv, process.env), [IGNORE_DOTENV]: '1' };
    // With --local or a local broker, .env's certificates and SASL must not reach the kernel: test-run does not use them either.
    if (options.local || configured === undefined) for (const name of SECURITY_VARIABLES) kernelEnv[name] = '';
    if (configured === undefined) {
      progress.step('No Kafka broker configured: starting a local one for this run');
      const local = await startLocalBroker(Math.max(options.timeoutMs, 60_000));
      cleanup.push(local.stop);
      settings = { bootstrapServers: [local.bootstrapServers] };
      result.broker = {
        from: 'local',
        bootstrapServers: local.bootstrapServers,
        version: local.version,
        route: local.route,
        brokers: 1,
      };
      result.brokerStartSeconds = local.startupMs / 1000;
      progress.step(
        `Local Kafka ${local.version} (${local.route}) ready at ${local.bootstrapServers} in ${(local.startupMs / 1000).toFixed(1)} s`,
      );
    } else {
      settings = configured;
      result.broker = {
        from: configured.from,
        bootstrapServers: configured.bootstrapServers.join(','),
        version: null,
        route: null,
        brokers: null,
      };
    }
    kernelEnv.KAFKA_BOOTSTRAP_SERVERS = settings.bootstrapServers.join(',');
    const kafka = kafkaFor(settings, options.timeoutMs);
    const admin = kafka.admin();
    progress.step(`Connecting to ${result.broker.bootstrapServers}`);
    await connectWithin(
      admin,
      result.broker.bootstrapServers,
      result.broker.from === 'local' ? 'the local broker' : result.broker.from,
      options.timeoutMs,
    );
    cleanup.push(() => admin.disconnect());
    result.broker.brokers = (await admin.describeCluster()).brokers.length;

    // 2. The kind's dependency: configured, or a stand-in.
    const services = await startKindServices(kernel.kind.name, lookup, options.local, topic);
    cleanup.push(services.stop);
    result.standIns = services.standIns;
    result.effect.label = services.effectLabel;
    if (options.outageS !== undefined && services.beginOutage === undefined)
      throw new FailureError(
        kernel.kind.name === 'basic'
          ? '--outage needs a kind with a dependency (database, http or ai); the basic kind has none.'
          : `--outage takes down the local stand-in, and this run uses the ${kernel.kind.name} kind's configured dependency: add --local.`,
      );

    // 3. Isolated topics (only the ones this run creates are deleted), then the sample messages.
    const existing = new Set(await admin.listTopics());
    const ours = [topic, dlqTopic, ...services.extraTopics].filter((name) => !existing.has(name));
    cleanup.push(async () => {
      if (options.keepTopic) {
        result.keptTopics = ours;
        return;
      }
      await deleteTopics(admin, ours);
      result.topicsDeleted = true;
    });
    await createTopics(admin, [
      { topic, partitions: PARTITIONS },
      { topic: dlqTopic, partitions: 1 },
      ...services.extraTopics.map((name) => ({ topic: name, partitions: 1 })),
    ]);
    // 4. The kernel, with its topic, group and dead-letter topic pointed at the test's.
    const install = await ensureInstalled(kernel.dir, (message) => progress.step(message));
    result.environment = typeof install === 'object' ? 'existing' : install === 'installed' ? 'installed' : 'synced';
    if (typeof install === 'object')
      progress.step(`uv sync failed (${install.kept}); running the kernel in its existing environment`);
    // Checked by the kernel's own model before the kernel starts or anything is produced.
    let typed: SchemaValues | undefined;
    if (kernel.schema) {
      progress.step(`Checking the samples against ${kernel.schema}`);
      typed = await schemaValues(kernel.dir, options.invalid, uvEnv());
      result.samplesFrom = `${SAMPLE_MESSAGES_FILE}, checked against ${kernel.schema}`;
    }
    progress.step(`Running the kernel on ${topic}`);
    Object.assign(kernelEnv, services.env, {
      KAFKA_TOPIC: topic,
      KAFKA_CONSUMER_GROUP: group,
      DLQ_TOPIC: dlqTopic,
      KAFKA_AUTO_OFFSET_RESET: 'earliest',
      // Its own port: /readyz says when to produce, /metrics gives the processing-time percentiles.
      HEALTH_PORT: String(await findFreePort()),
    });
    // The test group's offsets go once the kernel has left it (they stay with --keep-topic, for a look).
    cleanup.push(async () => {
      if (!options.keepTopic) await admin.deleteGroups([group]);
    });
    const circuit = watchCircuit();
    const kernelProcess = startKernel(kernel.dir, kernelEnv, (line) => {
      circuit.see(line);
      progress.logLine(line);
    });
    running = kernelProcess;
    cleanup.push(() => kernelProcess.kill());
    const healthPort = Number(kernelEnv.HEALTH_PORT);
    const alive = () => !kernelProcess.hasExited();
    // Produced only once the kernel holds its partitions, so the delays measure the kernel, not its start-up.
    if (!(await waitForReady(healthPort, Date.now() + options.timeoutMs, alive)) && !alive()) {
      result.kernelExitCode = await kernelProcess.exited;
      throw new FailureError(`The kernel exited with code ${result.kernelExitCode} before it was ready.`);
    }
    // The outage starts once the kernel is ready, so it meets the messages rather than the kernel's start-up.
    let outageOver: Promise<void> | undefined;
    if (options.outageS !== undefined && services.beginOutage !== undefined) {
      const outageS = options.outageS;
      progress.step(`Taking the stand-in dependency down for ${outageS} s`);
      const outageStarted = Date.now();
      const { back } = await services.beginOutage(outageS * 1000);
      result.outage = { seconds: outageS, backAfterS: null, circuit: circuit.seen };
      const outage = result.outage;
      outageOver = back.then(() => {
        outage.backAfterS = (Date.now() - outageStarted) / 1000;
        progress.step(`The stand-in dependency is back after ${outage.backAfterS.toFixed(1)} s`);
      });
      // A failed run must not leave an unhandled rejection behind; the checks below report the outcome.
      outageOver.catch(() => undefined);
    }
    progress.step(`Producing ${options.messages} messages to ${topic}`);
    const delays = new CommitDelays((await topicSpan(admin, topic)).end);
    const messages = typed
      ? typedMessages(typed, options.messages, runId)
      : buildMessages(samples, options.messages, runId);
    // The kernel's rate starts here: it is assigned and polling, so it consumes the first message as it lands.
    let firstSentAt: number | undefined;
    await produceMessages(kafka, topic, messages, async (sentAt) => {
      firstSentAt ??= sentAt;
      delays.produced(sentAt, (await topicSpan(admin, topic)).end);
    });
    result.messages.produced = messages.length;

    // 5. Done when the group has committed every partition to its end.
    let lastPollAt = Date.now();
    const offsets = await waitForCommitted(admin, group, topic, Date.now() + options.timeoutMs, alive, (polled) => {
      lastPollAt = Date.now();
      delays.polled(polled);
    });
    const delaySeconds = delays.delaysSeconds();
    if (delaySeconds.length > 0) result.latency.produceToCommitSeconds = percentiles(delaySeconds);
    const exposition = await scrapeMetrics(healthPort);
    if (exposition !== undefined) result.latency.processingSeconds = processingPercentiles(exposition) ?? null;
    result.messages.processed = processedCount(offsets);
    const total = Object.keys(offsets.end).reduce(
      (sum, p) => sum + (offsets.end[Number(p)] ?? 0) - (offsets.start[Number(p)] ?? 0),
      0,
    );
    if (kernelProcess.hasExited()) {
      result.kernelExitCode = await kernelProcess.exited;
      throw new FailureError(
        `The kernel exited with code ${result.kernelExitCode} after committing ${result.messages.processed} of ${total} messages.`,
      );
    }
    const committedAll = result.messages.processed === total;
    if (committedAll && firstSentAt !== undefined) {
      result.kernelSeconds = Math.max(lastPollAt - firstSentAt, 1) / 1000;
      result.messagesPerSecond = result.messages.processed / result.kernelSeconds;
    }
    checks.push({
      name: 'committed offsets reached the end offsets',
      ok: committedAll,
      detail: `${result.messages.processed} of ${total} within ${options.timeoutMs / 1000} s`,
    });

    // 6. A clean stop within the kernel's own shutdown bound.
    const shutdownS = Number(lookup('SHUTDOWN_TIMEOUT_S') ?? '10') || 10;
    progress.step('Stopping the kernel (SIGTERM)');
    const code = await kernelProcess.terminate((shutdownS + 5) * 1000);
    result.kernelExitCode = code ?? null;
    checks.push({
      name: 'clean exit after SIGTERM',
      ok: code === 0,
      detail: code === undefined ? `still running after ${shutdownS + 5} s` : `exit code ${code}`,
    });

    // 7. What the messages did.
    if (outageOver) await outageOver;
    result.messages.deadLettered = await topicCount(admin, dlqTopic);
    if (result.outage) checks.push(...outageChecks(result.outage, result.messages.deadLettered));
    if (typed && options.invalid > 0) checks.push(await invalidCheck(kafka, dlqTopic, typed, result));
    result.effect.expected = result.messages.processed - result.messages.deadLettered;
    const effect = await services.countEffect(admin);
    result.effect.count = effect ?? null;
    if (effect !== undefined)
      checks.push({
        name: services.effectLabel,
        ok: effect >= result.effect.expected,
        detail: `${effect} of ${result.effect.expected} expected`,
      });
    result.ok = checks.every((check) => check.ok);
    if (!result.ok) result.error = checks.find((check) => !check.ok)?.name ?? null;
  } catch (error) {
    result.ok = false;
    result.error = messageOf(error);
    badInput = error instanceof SampleRejected;
  } finally {
    if (running && (!result.ok || running.hasExited()))
      result.logTail = running.tail(LOG_TAIL_LINES) || '(the kernel printed nothing)';
    if (result.ok) result.logTail = null;
    await cleanup.run();
    result.wallSeconds = (Date.now() - started) / 1000;
    result.exitCode = result.ok ? 0 : badInput ? 2 : 1;
  }
  return result;
}

const INVALID_KEY_PREFIX = 'test-run-invalid-';

/** The checked samples cycled to `count` messages, then the --invalid values, each with a key that names it. */
function typedMessages(typed: SchemaValues, count: number, runId: string) {
  const headers = { 'clustera-test-run': runId };
  return [
    ...Array.from({ length: count }, (_, i) => ({
      key: `test-run-${i}`,
      value: typed.valid[i % typed.valid.length]!,
      headers,
    })),
    ...typed.invalid.map(({ value }, i) => ({ key: `${INVALID_KEY_PREFIX}${i}`, value, headers })),
  ];
}

/** Exactly the invalid values are dead-lettered, each with the schema reason the kernel's model gives. */
async function invalidCheck(
  kafka: Parameters<typeof readDeadLetters>[0],
  dlqTopic: string,
  typed: SchemaValues,
  result: TestRunResult,
): Promise<Check> {
  const letters = await readDeadLetters(kafka, dlqTopic, result.messages.deadLettered, 15_000);
  const expected = new Map(typed.invalid.map(({ reason }, i) => [`${INVALID_KEY_PREFIX}${i}`, reason]));
  const right = letters.filter((letter) => expected.get(letter.key) === letter.schemaFailure);
  result.messages.invalid = { produced: typed.invalid.length, deadLettered: right.length };
  const exact = right.length === expected.size && letters.length === expected.size;
  return {
    name: 'exactly the invalid values were dead-lettered, with their schema reason',
    ok: exact,
    detail: `${right.length} of ${expected.size} invalid with the right dlq.schema.failure; ${letters.length} in the DLQ`,
  };
}
