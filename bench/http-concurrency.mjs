#!/usr/bin/env node
// Messages in flight, measured: an `http` kernel against a local API answering in 20 ms with MAX_IN_FLIGHT 1
// and 32, and the `basic` runtime with a no-op process_message at MAX_IN_FLIGHT=1 against a bare
// confluent-kafka loop. Needs `npm run build` first; starts its own broker; rewrites its section of
// bench/RESULTS.md. Usage: node bench/http-concurrency.mjs [--rounds 3]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { RESULTS, writeSection } from './results-section.mjs';
import { startKafkaBroker } from '../dist/infra/kafka-broker.js';
import { resolveUvEnvironment } from '../dist/infra/uv-env.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const HELPER = join(ROOT, 'bench', 'kernel_bench.py');
const SECTION = 'http-concurrency';
const RESPONSE_MS = 20;
const PARTITIONS = 3;
const KEYS = 40;
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] || 3) || 3;

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

/** The stand-in API: every POST is answered 200 after RESPONSE_MS. */
async function startApi() {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () =>
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), RESPONSE_MS),
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
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

let serial = 0;
/** A fresh topic with `count` messages, consumed by `command` in `kernelDir`; returns messages per second and the largest partition's size. */
async function measure(kafka, bootstrap, kernelDir, count, command, env = {}) {
  serial += 1;
  const topic = `bench-${SECTION}-${process.pid}-${serial}`;
  const group = `${topic}-group`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await python(kernelDir, ['produce', bootstrap, topic, String(count), String(KEYS)]);
  // Keys hash unevenly over the partitions: the largest one bounds what one-at-a-time-per-partition can reach.
  const largestPartition = Math.max(
    ...(await admin.fetchTopicOffsets(topic)).map((partition) => Number(partition.high)),
  );
  await admin.disconnect();
  const kernelEnv = {
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
    KAFKA_TOPIC: topic,
    KAFKA_CONSUMER_GROUP: group,
    KAFKA_AUTO_OFFSET_RESET: 'earliest',
    ...env,
  };
  const out = await python(kernelDir, ['measure', bootstrap, topic, group, '--', ...command], {
    cwd: kernelDir,
    env: { ...process.env, ...kernelEnv },
  });
  return { rate: JSON.parse(out.trim().split('\n').pop()).rate, largestPartition };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (rate) => (rate >= 1000 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(1));

async function main() {
  const root = mkdtempSync(join(tmpdir(), 'bench-inflight-'));
  const broker = await startKafkaBroker();
  const api = await startApi();
  const kafka = new Kafka({ clientId: 'bench', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
  try {
    const httpDir = createKernel(root, 'bench-http', 'http');
    const basicDir = createKernel(root, 'bench-basic', 'basic');
    const bootstrap = broker.bootstrapServers;
    const http = { API_BASE_URL: api.url };
    const sequential = [];
    const inFlight = [];
    const byPartition = [];
    const partitionCeilings = [];
    const noop = [];
    const bare = [];
    for (let round = 1; round <= rounds; round += 1) {
      sequential.push(
        (
          await measure(kafka, bootstrap, httpDir, 300, ['./.venv/bin/python', 'main.py'], {
            ...http,
            MAX_IN_FLIGHT: '1',
          })
        ).rate,
      );
      inFlight.push(
        (
          await measure(kafka, bootstrap, httpDir, 5000, ['./.venv/bin/python', 'main.py'], {
            ...http,
            MAX_IN_FLIGHT: '32',
          })
        ).rate,
      );
      const partitioned = await measure(kafka, bootstrap, httpDir, 1000, ['./.venv/bin/python', 'main.py'], {
        ...http,
        MAX_IN_FLIGHT: '32',
        ORDERING: 'partition',
      });
      byPartition.push(partitioned.rate);
      partitionCeilings.push((1000 * 1000) / (partitioned.largestPartition * RESPONSE_MS));
      noop.push(
        (
          await measure(kafka, bootstrap, basicDir, 300_000, ['./.venv/bin/python', HELPER, 'noop', basicDir], {
            MAX_IN_FLIGHT: '1',
          })
        ).rate,
      );
      bare.push((await measure(kafka, bootstrap, basicDir, 300_000, ['./.venv/bin/python', HELPER, 'bare'])).rate);
      console.log(
        `round ${round}: http 1=${fmt(sequential.at(-1))} 32=${fmt(inFlight.at(-1))} partition=${fmt(byPartition.at(-1))} noop=${fmt(noop.at(-1))} bare=${fmt(bare.at(-1))} msg/s`,
      );
    }
    const speedup = median(inFlight) / median(sequential);
    const ratio = median(noop) / median(bare);
    // One message at a time per partition: the largest partition, one response time per message, sets the ceiling.
    const partitionCeiling = median(partitionCeilings);
    const cpu = cpus();
    const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
    writeSection(
      SECTION,
      [
        `## Messages in flight: http kernel vs a 20 ms API, basic no-op vs a bare loop (bench/${SECTION}.mjs)`,
        '',
        `Measured ${when} UTC on ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${Math.round(totalmem() / 2 ** 20)} MiB RAM (${Math.round(freemem() / 2 ** 20)} free), load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}, Kafka ${broker.version} on the same machine.`,
        '',
        `${rounds} rounds; median committed messages per second, taken between the group's first and last commit`,
        '(so start-up and the group join are left out). 3 partitions, 40 repeating keys, ORDERING=key unless stated.',
        '',
        '| consumer | messages | median msg/s | all rounds | target |',
        '|---|---|---|---|---|',
        `| http kernel, MAX_IN_FLIGHT=1 | 300 | ${fmt(median(sequential))} | ${sequential.map(fmt).join(', ')} | |`,
        `| http kernel, MAX_IN_FLIGHT=32 | 5,000 | ${fmt(median(inFlight))} | ${inFlight.map(fmt).join(', ')} | ≥ 500 and ≥ 10× MAX_IN_FLIGHT=1: ${speedup.toFixed(1)}× (${median(inFlight) >= 500 && speedup >= 10 ? 'met' : 'not met'}) |`,
        `| http kernel, MAX_IN_FLIGHT=32, ORDERING=partition | 1,000 | ${fmt(median(byPartition))} | ${byPartition.map(fmt).join(', ')} | ceiling ${fmt(partitionCeiling)} (the largest partition's messages one after another, 20 ms each): ${((100 * median(byPartition)) / partitionCeiling).toFixed(0)} % of it |`,
        `| basic runtime, no-op process_message, MAX_IN_FLIGHT=1 | 300,000 | ${fmt(median(noop))} | ${noop.map(fmt).join(', ')} | ≥ 0.8× the bare loop: ${ratio.toFixed(2)}× (${ratio >= 0.8 ? 'met' : 'not met'}) |`,
        `| bare confluent-kafka loop, store after each message | 300,000 | ${fmt(median(bare))} | ${bare.map(fmt).join(', ')} | |`,
      ].join('\n'),
    );
    console.log(`wrote ${RESULTS}`);
  } finally {
    await api.close();
    await broker.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
