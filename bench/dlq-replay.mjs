#!/usr/bin/env node
// `clustera-kernel dlq replay` throughput: a DLQ of 100,000 dead letters (one partition, sources spread over a
// 3-partition input topic) replayed to its source partitions, exactly once, on a loopback broker. Needs
// `npm run build` first; starts its own broker; rewrites its section of bench/RESULTS.md.
// Usage: node bench/dlq-replay.mjs [--rounds 3] [--letters 100000]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { startKafkaBroker } from '../dist/infra/kafka-broker.js';
import { resolveUvEnvironment } from '../dist/infra/uv-env.js';
import { writeSection } from './results-section.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SECTION = 'dlq-replay';
const PARTITIONS = 3;
const option = (name, fallback) => Number(process.argv[process.argv.indexOf(name) + 1] || fallback) || fallback;
const rounds = option('--rounds', 3);
const letters = option('--letters', 100_000);

function createKernel(root) {
  execFileSync(
    'node',
    [
      join(ROOT, 'bin', 'create-clustera-kernel.js'),
      'bench-dlq',
      '--kind',
      'basic',
      '--yes',
      '--no-install',
      '--no-git',
    ],
    { cwd: root, stdio: 'ignore' },
  );
  const dir = join(root, 'bench-dlq');
  execFileSync('uv', ['sync', '--quiet'], { cwd: dir, env: { ...process.env, ...resolveUvEnvironment() } });
  return dir;
}

async function fillDlq(kafka, source, dlq) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: source, numPartitions: PARTITIONS },
      { topic: dlq, numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const time = new Date().toISOString();
  for (let start = 0; start < letters; start += 1000) {
    await producer.send({
      topic: dlq,
      messages: Array.from({ length: Math.min(1000, letters - start) }, (_, j) => {
        const i = start + j;
        const partition = String(i % PARTITIONS);
        const offset = String(Math.floor(i / PARTITIONS));
        return {
          key: `key-${i}`,
          value: JSON.stringify({ id: i, text: `event ${i} with some padding to look like a real payload` }),
          headers: {
            source: 'bench',
            'dlq.source.topic': source,
            'dlq.source.partition': partition,
            'dlq.source.offset': offset,
            'dlq.error.class': 'SkipMessage',
            'dlq.error.message': 'POST /events answered 400',
            'dlq.attempts': '1',
            'dlq.time': time,
            'origin.topic': source,
            'origin.partition': partition,
            'origin.offset': offset,
          },
        };
      }),
    });
  }
  await producer.disconnect();
}

function replay(kernelDir, env) {
  const started = process.hrtime.bigint();
  const run = spawnSync(join(kernelDir, '.venv', 'bin', 'clustera-kernel'), ['dlq', 'replay'], {
    cwd: kernelDir,
    env,
    encoding: 'utf8',
  });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`dlq replay exited ${run.status}:\n${run.stdout}\n${run.stderr}`);
  const summary = /^sent (\d+) dead letter\(s\) .* in ([\d.]+)s;/m.exec(run.stdout);
  if (!summary || Number(summary[1]) !== letters) throw new Error(`unexpected summary:\n${run.stdout}`);
  return { wallS, loopS: Number(summary[2]) };
}

const root = mkdtempSync(join(tmpdir(), 'bench-dlq-'));
const broker = await startKafkaBroker();
try {
  const loadBefore = loadavg()[0];
  const kernelDir = createKernel(root);
  const kafka = new Kafka({ clientId: 'bench', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
  const rows = [];
  for (let round = 1; round <= rounds; round += 1) {
    const source = `bench-in-${round}`;
    const dlq = `bench-dlq-${round}`;
    await fillDlq(kafka, source, dlq);
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(KAFKA_|DLQ_TOPIC)/.test(name))),
      KAFKA_BOOTSTRAP_SERVERS: broker.bootstrapServers,
      KAFKA_TOPIC: source,
      KAFKA_CONSUMER_GROUP: `bench-group-${round}`,
      DLQ_TOPIC: dlq,
    };
    const { wallS, loopS } = replay(kernelDir, env);
    rows.push(
      `| ${round} | ${loopS.toFixed(1)} | ${Math.round(letters / loopS).toLocaleString('en')} | ${wallS.toFixed(2)} | ${Math.round(letters / wallS).toLocaleString('en')} |`,
    );
    console.log(rows.at(-1));
  }
  const body = [
    '## dlq replay: 100,000 dead letters back to their source partitions (bench/dlq-replay.mjs)',
    '',
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} cores, load average ` +
      `${loadBefore.toFixed(2)} before and ${loadavg()[0].toFixed(2)} after, Kafka ${broker.version} on loopback. ` +
      `A DLQ of one partition holds ${letters.toLocaleString('en')} dead letters (kafkajs, ~110-byte JSON values, ` +
      '11 headers) whose sources spread over a 3-partition input topic; `clustera-kernel dlq replay` runs in a ' +
      "`basic` kernel's directory, on fresh topics each round. The loop is the time its summary reports (reading, " +
      'producing, one transaction per 2,000 messages or half a second); wall time adds start-up, imports and ' +
      '`init_transactions`.',
    '',
    '| round | replay loop [s] | loop [msg/s] | wall [s] | wall [msg/s] |',
    '|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  writeSection(SECTION, body);
} finally {
  await broker.stop();
  rmSync(root, { recursive: true, force: true });
}
