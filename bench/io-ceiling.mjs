#!/usr/bin/env node
// I/O kernels at their latency ceiling: the generated `http` kernel against an API answering in 20 ms and the
// `ai` kernel against a chat-completions stand-in answering in 200 ms, at MAX_IN_FLIGHT 1, 32, 128 and 256,
// each beside the runtime's own ceiling (an `async def process_message` that only sleeps as long); then the
// `database` kernel against a bare psycopg loop (bench/io-ceiling-database.sh, its own section). Needs
// `npm run build`; starts its own broker; rewrites its section of bench/RESULTS.md.
// Usage: node bench/io-ceiling.mjs [--rounds 3] [--in-flight 32,256] [--kinds http,ai,database]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { RESULTS, writeSection } from './results-section.mjs';
import { startKafkaBroker } from '../dist/infra/kafka-broker.js';
import { resolveUvEnvironment } from '../dist/infra/uv-env.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const HELPER = join(ROOT, 'bench', 'kernel_bench.py');
const SECTION = 'io-ceiling';
const PARTITIONS = 3;
// At most this many messages; fewer where the ceiling would need longer than SECONDS_AT_CEILING to consume them.
const MAX_MESSAGES = 20_000;
const SECONDS_AT_CEILING = 15;
// Where the ai kernel produces its answers.
const ANSWERS = `bench-${SECTION}-answers`;
const argument = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : fallback;
};
const rounds = Number(argument('--rounds', '1')) || 1;
const IN_FLIGHT = argument('--in-flight', '1,32,128,256').split(',').map(Number);
const KINDS = argument('--kinds', 'http,ai,database').split(',');

const COMPLETION = JSON.stringify({
  id: 'c-1',
  object: 'chat.completion',
  created: 1,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'An answer.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
});

/** A stand-in answering every POST with `body` after `delayMs`, as the remote API would. */
async function startStandIn(delayMs, body) {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () =>
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(body), delayMs),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function createKernel(root, name, kind) {
  execFileSync(
    'node',
    [join(ROOT, 'bin', 'create-clustera-kernel.js'), name, '--kind', kind, '--yes', '--no-install', '--no-git'],
    { cwd: root, stdio: 'ignore' },
  );
  const dir = join(root, name);
  execFileSync('uv', ['sync', '--quiet'], {
    cwd: dir,
    env: { ...process.env, ...resolveUvEnvironment(process.env) },
    stdio: 'inherit',
  });
  return dir;
}

function python(kernelDir, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(join(kernelDir, '.venv', 'bin', 'python'), [HELPER, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      ...options,
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args[0]} exited ${code}`))));
  });
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
function machineTicks() {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const ticks = fields.map(Number);
  const idle = ticks[3] + (ticks[4] ?? 0);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  return { busy: total - idle, total };
}

let serial = 0;
/** A fresh topic of `count` messages with distinct keys, consumed by `command`; the helper's JSON result. */
async function measure(kafka, bootstrap, kernelDir, count, command, env) {
  serial += 1;
  const topic = `bench-${SECTION}-${process.pid}-${serial}`;
  const group = `${topic}-group`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  await python(kernelDir, ['produce', bootstrap, topic, String(count), String(count)]);
  // This process serves the stand-ins: its CPU while the kernel runs is theirs, taken from the same cores.
  const [cpuBefore, ticksBefore] = [process.cpuUsage(), machineTicks()];
  const out = await python(kernelDir, ['measure', bootstrap, topic, group, '--', ...command], {
    cwd: kernelDir,
    env: {
      ...process.env,
      KAFKA_BOOTSTRAP_SERVERS: bootstrap,
      KAFKA_TOPIC: topic,
      KAFKA_CONSUMER_GROUP: group,
      KAFKA_AUTO_OFFSET_RESET: 'earliest',
      ...env,
    },
  });
  const cpu = process.cpuUsage(cpuBefore);
  const ticks = machineTicks();
  return {
    ...JSON.parse(out.trim().split('\n').pop()),
    stand_in_cpu_s: (cpu.user + cpu.system) / 1e6,
    machine_busy: (ticks.busy - ticksBefore.busy) / (ticks.total - ticksBefore.total),
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (rate) => (rate >= 1000 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(1));

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'bench-io-ceiling-'));
  const broker = await startKafkaBroker();
  const api = await startStandIn(20, '{"ok":true}');
  const model = await startStandIn(200, COMPLETION);
  const kafka = new Kafka({ clientId: 'bench', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
  const bootstrap = broker.bootstrapServers;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: ANSWERS, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const setups = [
    { kind: 'http', latencyMs: 20, env: { API_BASE_URL: api.url } },
    {
      kind: 'ai',
      latencyMs: 200,
      env: { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: `${model.url}/v1`, MODEL_NAME: 'bench-model' },
    },
  ];
  const kinds = setups.filter((setup) => KINDS.includes(setup.kind));
  const rows = [];
  try {
    for (const setup of kinds) {
      const dir = createKernel(root, `bench-${setup.kind}`, setup.kind);
      for (const inFlight of IN_FLIGHT) {
        const count = Math.min(MAX_MESSAGES, Math.ceil((inFlight * 1000 * SECONDS_AT_CEILING) / setup.latencyMs));
        const runs = { kernel: [], sleep: [] };
        for (let round = 1; round <= rounds; round += 1) {
          const env = { ...setup.env, MAX_IN_FLIGHT: String(inFlight), OUTPUT_TOPIC: ANSWERS };
          runs.kernel.push(await measure(kafka, bootstrap, dir, count, ['./.venv/bin/python', 'main.py'], env));
          const sleeper = ['./.venv/bin/python', HELPER, 'sleep', dir, String(setup.latencyMs / 1000)];
          runs.sleep.push(await measure(kafka, bootstrap, dir, count, sleeper, env));
          const [k, s] = [runs.kernel.at(-1), runs.sleep.at(-1)];
          console.log(
            `${setup.kind} ${inFlight} in flight, round ${round}: kernel ${fmt(k.rate)} msg/s (${k.cpu_s} s CPU), sleep-only ${fmt(s.rate)} msg/s`,
          );
        }
        rows.push({ ...setup, inFlight, count, ...runs });
      }
    }
  } finally {
    await Promise.all([api.close(), model.close()]);
    await broker.stop();
    rmSync(root, { recursive: true, force: true });
  }
  const perThousand = (run) => (1000 * run.cpu_s) / run.messages;
  const cpu = cpus();
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  writeSection(
    SECTION,
    [
      `## I/O kernels at their latency ceiling (bench/${SECTION}.mjs)`,
      '',
      `Measured ${when} UTC on ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at the end, Kafka ${broker.version} and the stand-ins on the same machine.`,
      '',
      `${rounds} round(s), medians. ${PARTITIONS} partitions, every key distinct, the kind's default ORDERING. Stand-ins answer`,
      'every request after 20 ms (http) and 200 ms (ai, a chat completion). "first→last" counts between the',
      'group\'s first and last commit; "spawn→last" from the kernel\'s spawn (start-up included). CPU is the kernel',
      `process's, between first and last commit. Messages: ${fmt(MAX_MESSAGES)}, or ${SECONDS_AT_CEILING} s worth at the ceiling when fewer.`,
      'The sleep-only kernel is the same runtime with `async def process_message` awaiting `asyncio.sleep` for the',
      "same latency: the runtime's own ceiling.",
      '',
      "The last two columns are for the kernel's runs: the stand-in's own CPU (it shares the cores), and how busy",
      "the whole machine was from the kernel's spawn to its last commit.",
      '',
      '| kind | in flight | messages | ceiling msg/s | kernel first→last | kernel spawn→last | CPU s / 1,000 | sleep-only first→last | kernel / sleep-only | stand-in CPU s / 1,000 | machine busy |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map((row) => {
        const kernel = median(row.kernel.map((r) => r.rate));
        const sleep = median(row.sleep.map((r) => r.rate));
        const ceiling = (row.inFlight * 1000) / row.latencyMs;
        return `| ${row.kind} | ${row.inFlight} | ${row.count.toLocaleString('en-US')} | ${fmt(ceiling)} | ${fmt(kernel)} | ${fmt(median(row.kernel.map((r) => r.spawn_rate)))} | ${median(row.kernel.map(perThousand)).toFixed(2)} | ${fmt(sleep)} | ${(kernel / sleep).toFixed(2)}× | ${median(row.kernel.map((r) => (1000 * r.stand_in_cpu_s) / r.messages)).toFixed(2)} | ${Math.round(100 * median(row.kernel.map((r) => r.machine_busy)))} % |`;
      }),
    ].join('\n'),
  );
  console.log(`wrote ${RESULTS}`);
}

/** The database kind has its own script (PostgreSQL, pool sizes); run here so one command measures every I/O kind. */
function databaseCeiling() {
  execFileSync('bash', [join(ROOT, 'bench', 'io-ceiling-database.sh')], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_RESULTS: RESULTS },
  });
}

if (KINDS.some((kind) => kind !== 'database')) await main();
if (KINDS.includes('database')) databaseCeiling();
