#!/usr/bin/env node
// Wall time of `create-clustera-kernel test-run` on a generated basic kernel (100 messages), as a user runs it:
// cold (no broker configured: a local Java broker starts and stops inside the run) and warm (a running broker
// given with --bootstrap-server). Writes its section of bench/RESULTS.md.
// Usage: node bench/test-run.mjs   (RUNS=5 by default; needs Java 17, uv, and `npm run build`)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'create-clustera-kernel.js');
const RESULTS = process.env.BENCH_RESULTS ?? join(ROOT, 'bench', 'RESULTS.md');
const RUNS = Number(process.env.RUNS ?? 5);
const TARGETS = { warm: 10, cold: 20 };

if (!existsSync(join(ROOT, 'dist', 'cli.js')))
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
const { startKafkaBroker } = await import(join(ROOT, 'dist', 'infra', 'kafka-broker.js'));

// Nothing from the caller's shell may configure the broker or the kind's services.
const env = { ...process.env, NO_COLOR: '1', CI: '1', KAFKA_BOOTSTRAP_SERVERS: '' };

function testRun(dir, args) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [CLI, 'test-run', dir, '--json', ...args], { env, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const result = JSON.parse(run.stdout);
  if (run.status !== 0 || !result.ok) throw new Error(`test-run failed (exit ${run.status}):\n${run.stderr}`);
  const brokerStart = /ready at \S+ in ([\d.]+) s/.exec(run.stderr)?.[1];
  return { seconds, brokerStart: brokerStart === undefined ? null : Number(brokerStart) };
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const median =
    sorted.length % 2
      ? sorted[(sorted.length - 1) / 2]
      : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1) };
}

const root = mkdtempSync(join(tmpdir(), 'bench-test-run-'));
let broker;
try {
  const created = spawnSync(
    process.execPath,
    [CLI, 'bench-basic', '--kind', 'basic', '--yes', '--no-git', '--install'],
    { cwd: root, env, encoding: 'utf8' },
  );
  if (created.status !== 0) throw new Error(`create failed:\n${created.stderr}`);
  const dir = join(root, 'bench-basic');

  const cold = [];
  for (let i = 0; i < RUNS; i += 1) cold.push(testRun(dir, []));
  broker = await startKafkaBroker();
  // One unmeasured run creates the broker's internal topics, as a broker in use already has them.
  testRun(dir, ['--bootstrap-server', broker.bootstrapServers]);
  const warm = [];
  for (let i = 0; i < RUNS; i += 1) warm.push(testRun(dir, ['--bootstrap-server', broker.bootstrapServers]));

  // Every kind once more on the warm broker, its service a local stand-in (PostgreSQL's start-up included).
  const perKind = [];
  for (const kind of ['basic', 'database', 'http', 'ai']) {
    const made = spawnSync(
      process.execPath,
      [CLI, `bench-${kind}-k`, '--kind', kind, '--yes', '--no-git', '--install'],
      { cwd: root, env, encoding: 'utf8' },
    );
    if (made.status !== 0) throw new Error(`create ${kind} failed:\n${made.stderr}`);
    const runs = [];
    for (let i = 0; i < Math.min(RUNS, 3); i += 1)
      runs.push(testRun(join(root, `bench-${kind}-k`), ['--local', '--bootstrap-server', broker.bootstrapServers]));
    perKind.push({ kind, ...stats(runs.map((r) => r.seconds)), runs: runs.length });
  }

  const row = (name, runs, target) => {
    const s = stats(runs.map((r) => r.seconds));
    const verdict = s.median <= target ? 'met' : 'missed';
    return `| ${name} | ${s.median.toFixed(1)} s | ${s.min.toFixed(1)}–${s.max.toFixed(1)} s | ≤ ${target} s (${verdict}) |`;
  };
  const coldStarts = cold.map((r) => r.brokerStart).filter((v) => v !== null);
  const body = [
    `Generated \`basic\` kernel, 100 messages, ${RUNS} runs each; wall time of the whole CLI process (\`test-run --json\`).`,
    'Cold: no broker configured, so the run starts a local Kafka with Java (jars already cached) and stops it.',
    'Warm: an already running broker given with `--bootstrap-server`.',
    '',
    '| run | median | range | target |',
    '|---|---|---|---|',
    row('cold (local Java broker)', cold, TARGETS.cold),
    row('warm (configured broker)', warm, TARGETS.warm),
    '',
    `Local broker start-up inside the cold runs: median ${stats(coldStarts).median.toFixed(1)} s.`,
    '',
    'Each kind on the warm broker with `--local` (stand-ins: PostgreSQL started from the server binaries, in-process HTTP sink, in-process echo model):',
    '',
    '| kind | median | range | runs |',
    '|---|---|---|---|',
    ...perKind.map(
      (k) => `| ${k.kind} | ${k.median.toFixed(1)} s | ${k.min.toFixed(1)}–${k.max.toFixed(1)} s | ${k.runs} |`,
    ),
    '',
  ].join('\n');
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 20)} MiB RAM (${Math.round(freemem() / 2 ** 20)} free), load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, Node ${process.version}`;
  const section = `<!-- bench:test-run:start -->\n## test-run of basic: cold local broker and warm configured broker (bench/test-run.mjs)\n\nMeasured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}.\n\n${body}<!-- bench:test-run:end -->\n`;
  let text = existsSync(RESULTS)
    ? readFileSync(RESULTS, 'utf8')
    : '# Benchmark results\n\nEach section is rewritten by the script named in it. See the README for how to run them.\n';
  const pattern = /<!-- bench:test-run:start -->[\s\S]*?<!-- bench:test-run:end -->\n/;
  text = pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}`;
  writeFileSync(RESULTS, text);
  process.stdout.write(`${body}\n`);
} finally {
  await broker?.stop();
  rmSync(root, { recursive: true, force: true });
}
