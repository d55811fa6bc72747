#!/usr/bin/env node
// The runtime as a package against the runtime vendored in the kernel (release 0.2.0), side by side in one run:
// the no-op `basic` kernel's committed messages/s and the `http` kernel's at 32 in flight against a 20 ms stand-in,
// the two alternating round by round; then each kind's Python lines and `uv run pytest` time, before and after.
// Needs `npm run build` and git history (release 0.2.0 is built from its commit); starts its own broker; rewrites
// its section of bench/RESULTS.md. Usage: node bench/runtime-package.mjs [--rounds 5] [--messages 200000]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { RESULTS, writeSection } from './results-section.mjs';
import { startKafkaBroker } from '../dist/infra/kafka-broker.js';
import { resolveUvEnvironment } from '../dist/infra/uv-env.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const HELPER = join(ROOT, 'bench', 'kernel_bench.py');
const SECTION = 'runtime-package';
// The last release that vendored the runtime into every kernel.
const VENDORING_RELEASE = { version: '0.2.0', commit: 'd436dc8' };
const PARTITIONS = 3;
const HTTP_IN_FLIGHT = 32;
const HTTP_LATENCY_MS = 20;
const HTTP_MESSAGES = 15_000;
const KINDS = ['basic', 'database', 'http', 'ai'];
const argument = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : fallback;
};
const ROUNDS = Number(argument('--rounds', '5'));
const NOOP_MESSAGES = Number(argument('--messages', '200000'));
const uvEnv = { ...process.env, ...resolveUvEnvironment(process.env) };

/** Release 0.2.0's own CLI, built from its commit with its own lock file's dependencies. */
function buildVendoringCli(root) {
  const dir = join(root, `release-${VENDORING_RELEASE.version}`);
  mkdirSync(dir);
  execFileSync('sh', ['-c', `git archive ${VENDORING_RELEASE.commit} | tar -x -C "$1"`, 'sh', dir], { cwd: ROOT });
  execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: dir,
    stdio: 'ignore',
  });
  execFileSync('node', ['scripts/build.mjs'], { cwd: dir, stdio: 'ignore' });
  return join(dir, 'bin', 'create-clustera-kernel.js');
}

function createKernel(cli, root, name, kind) {
  execFileSync('node', [cli, name, '--kind', kind, '--yes', '--no-install', '--no-git'], {
    cwd: root,
    stdio: 'ignore',
  });
  const dir = join(root, name);
  execFileSync('uv', ['sync', '--quiet'], { cwd: dir, env: uvEnv, stdio: 'inherit' });
  return dir;
}

/** Lines of Python a kernel holds, outside tests/ and in it (the virtual environment aside). */
function pythonLines(dir) {
  const count = { code: 0, tests: 0 };
  const walk = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.name === '.venv' || entry.name === '__pycache__' || entry.name.startsWith('.')) continue;
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.py')) {
        const lines = readFileSync(full, 'utf8').split('\n').length - 1;
        count[relative(dir, full).startsWith('tests/') ? 'tests' : 'code'] += lines;
      }
    }
  };
  walk(dir);
  return count;
}

/** `uv run pytest` in the kernel, timed whole (interpreter start, collection, the tests), and its summary line. */
function pytestRun(dir) {
  const started = process.hrtime.bigint();
  const out = execFileSync('uv', ['run', '--frozen', 'pytest', '-q', '-p', 'no:cacheprovider'], {
    cwd: dir,
    env: { ...uvEnv, KAFKA_BOOTSTRAP_SERVERS: '' },
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, summary: out.trim().split('\n').pop().replace(/=/g, '').trim() };
}

function python(kernelDir, args, env = process.env) {
  return new Promise((resolve, reject) => {
    const child = spawn(join(kernelDir, '.venv', 'bin', 'python'), [HELPER, ...args], {
      cwd: kernelDir,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args[0]} exited ${code}`))));
  });
}

let serial = 0;
/** A fresh topic of `count` messages, consumed by `command` in the kernel's directory; messages/s first→last commit. */
async function measure(kafka, bootstrap, kernelDir, count, command, env) {
  serial += 1;
  const topic = `bench-${SECTION}-${process.pid}-${serial}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  await python(kernelDir, ['produce', bootstrap, topic, String(count), String(count)]);
  const out = await python(kernelDir, ['measure', bootstrap, topic, `${topic}-group`, '--', ...command], {
    ...process.env,
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
    KAFKA_TOPIC: topic,
    KAFKA_CONSUMER_GROUP: `${topic}-group`,
    KAFKA_AUTO_OFFSET_RESET: 'earliest',
    COMMIT_INTERVAL_MS: '100',
    ...env,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

async function startStandIn(delayMs) {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () =>
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), delayMs),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

async function main() {
  const root = mkdtempSync(join(tmpdir(), `bench-${SECTION}-`));
  const clis = { vendored: buildVendoringCli(root), package: join(ROOT, 'bin', 'create-clustera-kernel.js') };
  const kernels = {};
  for (const [side, cli] of Object.entries(clis))
    for (const kind of KINDS) kernels[`${side}-${kind}`] = createKernel(cli, root, `${side}-${kind}`, kind);

  const sizes = KINDS.map((kind) => ({
    kind,
    before: pythonLines(kernels[`vendored-${kind}`]),
    after: pythonLines(kernels[`package-${kind}`]),
  }));
  const pytest = KINDS.map((kind) => {
    // One warm-up each, so both sides are timed with their bytecode cached as a developer's second run has it.
    pytestRun(kernels[`vendored-${kind}`]);
    pytestRun(kernels[`package-${kind}`]);
    return { kind, before: pytestRun(kernels[`vendored-${kind}`]), after: pytestRun(kernels[`package-${kind}`]) };
  });

  const broker = await startKafkaBroker();
  const api = await startStandIn(HTTP_LATENCY_MS);
  const kafka = new Kafka({ clientId: 'bench', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
  const runs = { noop: { vendored: [], package: [] }, http: { vendored: [], package: [] } };
  try {
    for (let round = 1; round <= ROUNDS; round += 1) {
      // Each round swaps which side goes first, so a drift of the machine over the run falls on both alike.
      const sides = round % 2 === 1 ? ['vendored', 'package'] : ['package', 'vendored'];
      for (const side of sides) {
        const dir = kernels[`${side}-basic`];
        const run = await measure(
          kafka,
          broker.bootstrapServers,
          dir,
          NOOP_MESSAGES,
          ['./.venv/bin/python', HELPER, 'noop', dir],
          {},
        );
        runs.noop[side].push(run.rate);
        console.log(`round ${round}: basic no-op, ${side}: ${fmt(run.rate)} msg/s`);
      }
      for (const side of sides) {
        const dir = kernels[`${side}-http`];
        const env = { API_BASE_URL: api.url, MAX_IN_FLIGHT: String(HTTP_IN_FLIGHT) };
        const run = await measure(
          kafka,
          broker.bootstrapServers,
          dir,
          HTTP_MESSAGES,
          ['./.venv/bin/python', 'main.py'],
          env,
        );
        runs.http[side].push(run.rate);
        console.log(`round ${round}: http at ${HTTP_IN_FLIGHT} in flight, ${side}: ${fmt(run.rate)} msg/s`);
      }
    }
  } finally {
    await api.close();
    await broker.stop();
    rmSync(root, { recursive: true, force: true });
  }

  const cpu = cpus();
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const row = (label, side) => {
    const [before, after] = [median(side.vendored), median(side.package)];
    const all = (values) => values.map(fmt).join(', ');
    return `| ${label} | ${fmt(before)} | ${fmt(after)} | **${(after / before).toFixed(3)}** | ${all(side.vendored)} | ${all(side.package)} |`;
  };
  writeSection(
    SECTION,
    [
      `## The runtime as a package against the runtime vendored in the kernel (bench/${SECTION}.mjs)`,
      '',
      `Measured ${when} UTC on ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} at the end, Kafka ${broker.version} on the same machine. "Vendored" kernels are made by release`,
      `${VENDORING_RELEASE.version}'s own CLI (built from its commit), "package" kernels by this checkout's, which install`,
      'clustera-kernel-runtime from runtime/. Messages/s between the first and the last commit of a fresh group,',
      `${PARTITIONS} partitions, COMMIT_INTERVAL_MS=100; the two sides alternate within each of ${ROUNDS} rounds, the`,
      'first side swapping every round. Target: each median ratio ≥ 0.95.',
      '',
      '| kernel | vendored median msg/s | package median msg/s | package / vendored | vendored runs | package runs |',
      '|---|---|---|---|---|---|',
      row(`basic, no-op process_message, ${fmt(NOOP_MESSAGES)} messages`, runs.noop),
      row(
        `http, ${HTTP_IN_FLIGHT} in flight, ${HTTP_LATENCY_MS} ms stand-in, ${fmt(HTTP_MESSAGES)} messages`,
        runs.http,
      ),
      '',
      "Each kind's Python, as generated (lines of `.py` files; `tests/` apart), and its own `uv run pytest` (wall",
      'time, the second of two runs, no broker set):',
      '',
      '| kind | lines outside tests/: vendored → package | lines in tests/: vendored → package | pytest: vendored | pytest: package |',
      '|---|---|---|---|---|',
      ...KINDS.map((kind) => {
        const size = sizes.find((s) => s.kind === kind);
        const time = pytest.find((p) => p.kind === kind);
        return `| ${kind} | ${fmt(size.before.code)} → ${fmt(size.after.code)} | ${fmt(size.before.tests)} → ${fmt(size.after.tests)} | ${time.before.seconds.toFixed(1)} s (${time.before.summary}) | ${time.after.seconds.toFixed(1)} s (${time.after.summary}) |`;
      }),
    ].join('\n'),
  );
  console.log(`wrote ${RESULTS}`);
}

await main();
