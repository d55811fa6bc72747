// test-run's failure paths and other routes: a fatal kernel, mutual TLS from .env, a wrong broker, the local Java
// broker for a kernel without .env, Ctrl-C, and bad input.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, makeTempDir, removeDir, runCli } from '../helpers/cli.js';
import { requireInfra, sharedInfra, uniqueName } from '../setup/infra.js';
import { createTopics, kafkaClient } from './harness/kafka.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';
import { cleanEnv, copyKernel, testRun, topicExists, writeDotEnv } from './harness/test-run.js';

/** Every process below `root`, from the process list. */
function descendants(root: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [pid, ppid] of rows) {
      if (ppid === parent && !found.includes(pid)) {
        found.push(pid);
        walk(pid);
      }
    }
  };
  walk(root);
  return found;
}

/** Broker JVMs whose config file is gone: a stopped run removes its directory, so these were left behind. */
function orphanBrokers(): string[] {
  return execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })
    .split('\n')
    .filter((args) => args.includes(' kafka.Kafka '))
    .filter((args) => !existsSync(args.trim().split(/\s+/).at(-1) ?? ''));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Makes a copy of the kernel whose process_message runs `body` first. */
function kernelWith(project: KernelProject, name: string, body: string): string {
  const dir = copyKernel(project.dir, join(project.root, name));
  const main = join(dir, 'main.py');
  const source = readFileSync(main, 'utf8');
  const marker = '    if message.value is None:';
  writeFileSync(main, source.replace(marker, `${body}\n${marker}`));
  return dir;
}

describe.skipIf(!sharedInfra())('test-run failures and routes', () => {
  let project: KernelProject;

  beforeAll(async () => {
    project = await generateAndInstallKernel('basic');
  });
  afterAll(() => {
    if (project) removeDir(project.root);
  });

  it('a fatal error in process_message exits 1 and shows the kernel log', async () => {
    const dir = kernelWith(project, 'fatal', '    raise RuntimeError("boom from the test")');
    writeDotEnv(dir, { KAFKA_BOOTSTRAP_SERVERS: requireInfra().kafka.bootstrapServers });
    const run = await testRun(dir, ['--messages', '5']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.result).toMatchObject({ ok: false, exitCode: 1, kernelExitCode: 1, topicsDeleted: true });
    expect(run.result.error).toMatch(/The kernel exited with code 1 after committing 0 of 5 messages/);
    expect(run.result.logTail).toContain("RuntimeError('boom from the test')");
    expect(run.result.logTail!.split('\n').length).toBeLessThanOrEqual(30);
    expect(run.stderr).toContain('--- last lines of the kernel log ---');
  });

  it('passes over the mutual-TLS listener with the certificates as base64 in .env', async () => {
    const infra = requireInfra();
    const dir = copyKernel(project.dir, join(project.root, 'tls'));
    writeDotEnv(dir, { KAFKA_BOOTSTRAP_SERVERS: infra.kafka.sslBootstrapServers, ...infra.tls.kernelEnv });
    const run = await testRun(dir, ['--messages', '20']);
    expect(run.result.ok, run.stderr).toBe(true);
    expect(run.result.broker).toMatchObject({ from: '.env', bootstrapServers: infra.kafka.sslBootstrapServers });
    expect(run.result.messages.processed).toBe(20);
    expect(run.stderr).toMatch(/security TLS with hostname verification, client certificate/);
  });

  it('the TLS listener refuses a client without certificates: a clear error, exit 1', async () => {
    const infra = requireInfra();
    const dir = copyKernel(project.dir, join(project.root, 'no-certs'));
    writeDotEnv(dir, {
      KAFKA_BOOTSTRAP_SERVERS: infra.kafka.sslBootstrapServers,
      KAFKA_CA_CERT: infra.tls.kernelEnv.KAFKA_CA_CERT,
    });
    const run = await testRun(dir, ['--messages', '1', '--timeout', '15']);
    expect(run.exitCode).toBe(1);
    expect(run.result.error).toMatch(/Could not connect to Kafka at 127\.0\.0\.1:\d+ \(from \.env\)/);
  });

  it('a wrong --bootstrap-server gives one clear sentence within the timeout', async () => {
    const started = Date.now();
    const run = await testRun(project.dir, ['--bootstrap-server', '127.0.0.1:1', '--timeout', '10']);
    expect(run.exitCode).toBe(1);
    expect(run.result.error).toMatch(
      /^Could not connect to Kafka at 127\.0\.0\.1:1 \(from flag\): .*check the address, that the broker is running, and the TLS and SASL settings\.$/,
    );
    // Not a speed check: the command must give up by itself rather than hang until the test's own limit.
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('starts, uses and stops a local Java broker for a kernel with no .env, when the Docker engine does not answer', async () => {
    // A docker command whose engine is down, as on a laptop with Docker installed but not started.
    const bin = join(project.root, 'fake-bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'docker'),
      `#!/bin/sh\necho "$@" >> ${join(bin, 'calls.log')}\necho "Cannot connect to the Docker daemon" >&2\nexit 1\n`,
      { mode: 0o755 },
    );
    const run = await testRun(project.dir, ['--messages', '10'], { PATH: `${bin}:${process.env.PATH ?? ''}` });
    expect(readFileSync(join(bin, 'calls.log'), 'utf8'), 'the Docker engine was asked first').toMatch(/^info/);
    expect(run.result.ok, run.stderr).toBe(true);
    expect(run.result.broker).toMatchObject({
      from: 'local',
      route: 'java',
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
    expect(run.stderr).toContain('No Kafka broker configured: starting a local one');
    // The broker's start is part of the whole run's time, not of the kernel's rate.
    expect(run.result.brokerStartSeconds).toBeGreaterThan(0);
    expect(run.result.kernelSeconds! + run.result.brokerStartSeconds!).toBeLessThan(run.result.wallSeconds);
    expect(orphanBrokers(), 'brokers still running whose directory was removed').toEqual([]);
    console.log(
      `[test-run] basic with a local Java broker: ${run.result.wallSeconds.toFixed(1)} s, broker start ${run.result.brokerStartSeconds!.toFixed(1)} s, kernel ${run.result.kernelSeconds!.toFixed(1)} s`,
    );
  });

  /** Starts a test-run of a slow kernel, presses Ctrl-C once the kernel consumes, and returns what was running. */
  async function interrupt(
    extraArgs: string[],
  ): Promise<{ tree: number[]; exitCode: number | undefined; output: string }> {
    const dir = kernelWith(project, `slow-${extraArgs.length}`, '    __import__("time").sleep(0.5)');
    const args = [CLI_BIN, 'test-run', dir, '--messages', '200', ...extraArgs];
    const child = execa(process.execPath, args, {
      cwd: dir,
      env: { ...cleanEnv(), NO_COLOR: '1' },
      reject: false,
      all: true,
      buffer: true,
    });
    let output = '';
    child.all?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the kernel never started:\n${output}`)), 120_000);
      const poll = setInterval(() => {
        if (/Received \S+ key=b'test-run-/.test(output)) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve();
        }
      }, 100);
    });
    const tree = descendants(child.pid!);
    child.kill('SIGINT');
    const result = await child;
    return { tree, exitCode: result.exitCode, output: result.all ?? '' };
  }

  it('without a broker, Docker or Java says so in one sentence naming both, exit 1', async () => {
    const empty = join(project.root, 'empty-bin');
    mkdirSync(empty, { recursive: true });
    const run = await testRun(project.dir, ['--messages', '1'], { PATH: empty });
    expect(run.exitCode).toBe(1);
    expect(run.result.error).toBe(
      'No Kafka broker is configured and none can be started here (no Docker engine answers, no java on PATH): start Docker or install Java 17+, or pass --bootstrap-server host:port.',
    );
  });

  it('Ctrl-C stops the kernel and the local broker and leaves no process behind', async () => {
    const { tree, exitCode, output } = await interrupt([]);
    expect(tree.length, 'the CLI runs the kernel (uv, python) and a broker').toBeGreaterThanOrEqual(3);
    expect(exitCode, output).toBe(130);
    expect(output).toContain('Cancelled: stopping the kernel and cleaning up.');
    expect(tree.filter(alive), 'processes left running').toEqual([]);
    expect(orphanBrokers()).toEqual([]);
  });

  it('Ctrl-C on a configured broker deletes the test topics', async () => {
    const infra = requireInfra();
    const { tree, exitCode, output } = await interrupt(['--bootstrap-server', infra.kafka.bootstrapServers]);
    expect(exitCode, output).toBe(130);
    expect(tree.filter(alive), 'processes left running').toEqual([]);
    const topic = /Producing 200 messages to (\S+)/.exec(output)?.[1] ?? '';
    expect(topic).toMatch(/\.testrun\.[0-9a-f]{8}$/);
    const kafka = kafkaClient(infra.kafka.bootstrapServers);
    expect(await topicExists(kafka, topic), 'test topic deleted').toBe(false);
    expect(await topicExists(kafka, `${topic}.dlq`), 'dead-letter topic deleted').toBe(false);
  });

  it('refuses a directory that is not a kernel with exit code 2', async () => {
    const empty = makeTempDir('cck-not-a-kernel-');
    try {
      const run = await runCli(['test-run', empty, '--json'], { cwd: empty });
      expect(run.exitCode).toBe(2);
      expect(JSON.parse(run.stdout)).toMatchObject({
        ok: false,
        command: 'test-run',
        exitCode: 2,
        error: expect.stringMatching(/is not a kernel directory/),
      });
      const badFlag = await runCli(['test-run', project.dir, '--messages', 'many'], { cwd: empty });
      expect(badFlag.exitCode).toBe(2);
      expect(badFlag.stderr).toMatch(/--messages must be a whole number/);
    } finally {
      removeDir(empty);
    }
  });

  it('--topic produces to the given topic and leaves it in place when it existed before', async () => {
    const infra = requireInfra();
    const kafka = kafkaClient(infra.kafka.bootstrapServers);
    const topic = uniqueName('tr-given');
    await createTopics(kafka, [{ topic, partitions: 2 }]);
    const run = await testRun(project.dir, [
      '--messages',
      '6',
      '--topic',
      topic,
      '--bootstrap-server',
      infra.kafka.bootstrapServers,
    ]);
    expect(run.result.ok, run.stderr).toBe(true);
    expect(run.result).toMatchObject({ topic, dlqTopic: `${topic}.dlq`, messages: { produced: 6, processed: 6 } });
    expect(await topicExists(kafka, topic), 'a topic test-run did not create stays').toBe(true);
    expect(await topicExists(kafka, `${topic}.dlq`), 'the dead-letter topic it created goes').toBe(false);
  });

  it('keeps the test topics with --keep-topic', async () => {
    const infra = requireInfra();
    const run = await testRun(project.dir, [
      '--messages',
      '3',
      '--keep-topic',
      '--bootstrap-server',
      infra.kafka.bootstrapServers,
    ]);
    expect(run.result.ok, run.stderr).toBe(true);
    expect(run.result.topicsDeleted).toBe(false);
    expect(run.result.keptTopics).toEqual([run.result.topic, run.result.dlqTopic]);
    expect(run.stderr).toContain(
      `(kept by --keep-topic: ${run.result.topic}, ${run.result.dlqTopic}; delete them with`,
    );
    expect(await topicExists(kafkaClient(infra.kafka.bootstrapServers), run.result.topic)).toBe(true);
  });

  it('syncs an installed kernel, and runs it in its environment when uv sync fails', async () => {
    const infra = requireInfra();
    const installed = await testRun(project.dir, [
      '--messages',
      '2',
      '--bootstrap-server',
      infra.kafka.bootstrapServers,
    ]);
    expect(installed.result).toMatchObject({ ok: true, environment: 'synced' });
    expect(installed.stderr).toContain("Syncing the kernel's environment (uv sync)");
    expect(installed.stderr).not.toContain('Installing the kernel');
    // A dependency no index has: uv sync fails, the environment already there still runs the kernel.
    const dir = copyKernel(project.dir, join(project.root, 'unresolvable'));
    const pyproject = join(dir, 'pyproject.toml');
    writeFileSync(
      pyproject,
      readFileSync(pyproject, 'utf8').replace(
        'dependencies = [',
        'dependencies = [\n    "clustera-no-such-package-4711",',
      ),
    );
    const kept = await testRun(dir, ['--messages', '2', '--bootstrap-server', infra.kafka.bootstrapServers]);
    expect(kept.result, kept.stderr).toMatchObject({ ok: true, environment: 'existing' });
    expect(kept.stderr).toMatch(/uv sync failed \(.+\); running the kernel in its existing environment/);
  });
});
