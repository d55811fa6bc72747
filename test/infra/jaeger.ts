// The trace backend of the integration tests: Jaeger all-in-one (in-memory storage), built once from its Go module
// into the cache beside the Kafka jars, then started offline on free loopback ports.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePorts } from '../../src/infra/free-port.js';
import { kafkaCacheRoot } from '../../src/infra/kafka-jars.js';
import { stopProcess } from '../../src/infra/stop-process.js';

const run = promisify(execFile);

export const JAEGER_VERSION = '1.75.0';
// `go install` refuses this module (its go.mod has replace directives); building it as a tool of an empty module works.
const JAEGER_PACKAGE = 'github.com/jaegertracing/jaeger/cmd/jaeger';
const READY_TIMEOUT_MS = 30_000;

export interface JaegerServer {
  /** OTLP/HTTP base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  otlpHttpEndpoint: string;
  /** Base URL of the query API (/api/services, /api/traces). */
  queryUrl: string;
  stop(): Promise<void>;
}

export function jaegerBinary(cacheRoot = kafkaCacheRoot()): string {
  return join(cacheRoot, `jaeger-${JAEGER_VERSION}`, 'jaeger');
}

/** How long a caller waits for a build another process started (provision starts one in the background). */
const BUILD_WAIT_MS = 40 * 60_000;
const BUILD_POLL_MS = 2_000;

/** The cached binary, built first when missing (minutes, and about 1.3 GB of Go modules, once per machine). */
export async function ensureJaeger(cacheRoot = kafkaCacheRoot()): Promise<string> {
  const binary = jaegerBinary(cacheRoot);
  const lock = join(cacheRoot, `.jaeger-${JAEGER_VERSION}.lock`);
  const deadline = Date.now() + BUILD_WAIT_MS;
  // One build per machine: a second caller waits for the first one's binary instead of building it again.
  while (!existsSync(binary)) {
    if (takeBuildLock(cacheRoot, lock)) {
      try {
        if (!existsSync(binary)) await buildJaeger(cacheRoot, binary);
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      break;
    }
    if (Date.now() > deadline)
      throw new Error(`Jaeger was still being built after ${BUILD_WAIT_MS / 60_000} min (${lock})`);
    await new Promise((resolve) => setTimeout(resolve, BUILD_POLL_MS));
  }
  return binary;
}

/** Whether this process now holds the build lock; a lock left by a process that is gone is taken over. */
export function takeBuildLock(cacheRoot: string, lock: string): boolean {
  mkdirSync(cacheRoot, { recursive: true });
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
    return true;
  } catch {
    const pid = Number(readFileIfPresent(join(lock, 'pid')));
    // No pid yet means the holder has only just taken it.
    if (!pid || isAlive(pid)) return false;
    rmSync(lock, { recursive: true, force: true });
    return takeBuildLock(cacheRoot, lock);
  }
}

function readFileIfPresent(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// At the lowest priority: on a fresh machine this build runs beside the test suite and must not slow it down.
async function buildJaeger(cacheRoot: string, binary: string): Promise<void> {
  const staging = mkdtempSync(join(cacheRoot, `.jaeger-${JAEGER_VERSION}-`));
  try {
    const go = (args: string[]) =>
      run('nice', ['-n', '19', 'go', ...args], { cwd: staging, maxBuffer: 64 * 1024 * 1024 });
    await go(['mod', 'init', 'local/jaeger']);
    await go(['get', '-tool', `${JAEGER_PACKAGE}@v${JAEGER_VERSION}`]);
    await go(['build', '-trimpath', '-o', join(staging, 'jaeger'), JAEGER_PACKAGE]);
    mkdirSync(join(cacheRoot, `jaeger-${JAEGER_VERSION}`), { recursive: true });
    renameSync(join(staging, 'jaeger'), binary);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function config(ports: { queryHttp: number; queryGrpc: number; otlpGrpc: number; otlpHttp: number }): string {
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_query:
    storage:
      traces: memstore
    http:
      endpoint: 127.0.0.1:${ports.queryHttp}
    grpc:
      endpoint: 127.0.0.1:${ports.queryGrpc}
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: 100000
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${ports.otlpGrpc}
      http:
        endpoint: 127.0.0.1:${ports.otlpHttp}
processors:
  batch:
    timeout: 200ms
exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}

export async function startJaeger(binary = jaegerBinary()): Promise<JaegerServer> {
  if (!existsSync(binary)) throw new Error(`Jaeger is not built: run .ci/provision.sh (it caches ${binary})`);
  const [queryHttp, queryGrpc, otlpGrpc, otlpHttp] = (await findFreePorts(4)) as [number, number, number, number];
  const dir = await mkdtemp(join(tmpdir(), 'cck-jaeger-'));
  writeFileSync(join(dir, 'config.yaml'), config({ queryHttp, queryGrpc, otlpGrpc, otlpHttp }));
  const child = spawn(binary, ['--config', join(dir, 'config.yaml')], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const server: JaegerServer = {
    otlpHttpEndpoint: `http://127.0.0.1:${otlpHttp}`,
    queryUrl: `http://127.0.0.1:${queryHttp}`,
    async stop() {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${server.queryUrl}/api/services`)).ok) return server;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await server.stop();
  throw new Error(`Jaeger did not answer on ${server.queryUrl} within ${READY_TIMEOUT_MS} ms:\n${log}`);
}
