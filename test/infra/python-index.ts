// A throwaway Python package index (pypiserver) on a free loopback port: anyone may upload and download, and unknown
// packages are not redirected elsewhere, so nothing it serves comes from anywhere but this machine. pypiserver is
// installed once into a venv in the cache beside the Kafka jars, at an exact version, so tests and CI reuse it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from '../../src/infra/free-port.js';
import { kafkaCacheRoot } from '../../src/infra/kafka-jars.js';
import { superviseService } from './supervised-service.js';

const run = promisify(execFile);

export const PYPISERVER_VERSION = '2.4.2';
/** What pip installs into the venv; passlib reads htpasswd files, which this index does without. */
const PYPISERVER_REQUIREMENTS = [`pypiserver==${PYPISERVER_VERSION}`, 'passlib'];
/** Written last into a finished venv: an interrupted install is never taken for a finished one. */
const INSTALLED_MARKER = '.installed';

export function pypiserverDir(cacheRoot = kafkaCacheRoot()): string {
  return join(cacheRoot, `pypiserver-${PYPISERVER_VERSION}`);
}

function venvPython(dir: string): string {
  return join(dir, 'bin', 'python');
}

export function isPypiserverInstalled(cacheRoot = kafkaCacheRoot()): boolean {
  const dir = pypiserverDir(cacheRoot);
  const marker = join(dir, INSTALLED_MARKER);
  return (
    existsSync(venvPython(dir)) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === PYPISERVER_VERSION
  );
}

/**
 * The venv holding pypiserver, made first if needed. It is built in a staging folder and renamed into place; it is
 * run as `<venv>/bin/python -m pypiserver`, which (unlike the venv's scripts) does not care where the venv was made.
 */
export async function ensurePypiserver(cacheRoot = kafkaCacheRoot()): Promise<string> {
  const dir = pypiserverDir(cacheRoot);
  if (isPypiserverInstalled(cacheRoot)) return dir;
  mkdirSync(cacheRoot, { recursive: true });
  const staging = mkdtempSync(join(cacheRoot, `.pypiserver-${PYPISERVER_VERSION}-`));
  try {
    await run('python3', ['-m', 'venv', staging]);
    await run(venvPython(staging), ['-m', 'pip', 'install', '--quiet', ...PYPISERVER_REQUIREMENTS], {
      maxBuffer: 16 * 1024 * 1024,
    });
    await writeFile(join(staging, INSTALLED_MARKER), `${PYPISERVER_VERSION}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  if (!isPypiserverInstalled(cacheRoot)) throw new Error(`the pypiserver ${PYPISERVER_VERSION} venv is incomplete`);
  return dir;
}

export interface PythonIndex {
  /** The upload endpoint, with a trailing slash (uv publish's --publish-url). */
  url: string;
  /** The simple API that uv and pip read, with a trailing slash (a `[[tool.uv.index]]` url). */
  simpleUrl: string;
  /** For `uv publish` (or a release script that runs it): this index, with the placeholder credentials uv insists on. */
  publishEnv: Record<string, string>;
  /** Where the uploaded files are kept. */
  packagesDir: string;
  logFile: string;
  startupMs: number;
  /** Uploads wheels and sdists with `uv publish`. */
  publish(files: string[], env?: NodeJS.ProcessEnv): Promise<void>;
  stop(): Promise<void>;
}

async function waitForHealth(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) throw new Error('pypiserver exited');
    try {
      if ((await fetch(`${url}health`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`no answer on ${url}health within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function spawnWithLog(command: string, args: string[], logFile: string): ChildProcess {
  const out = openSync(logFile, 'a');
  try {
    return spawn(command, args, { stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
}

export async function startPythonIndex(options: { startTimeoutMs?: number } = {}): Promise<PythonIndex> {
  const venv = await ensurePypiserver();
  const dir = await mkdtemp(join(tmpdir(), 'clustera-python-index-'));
  const packagesDir = join(dir, 'packages');
  mkdirSync(packagesDir);
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}/`;
  const logFile = join(dir, 'pypiserver.log');
  // uv publish refuses to send nothing; with `-a . -P .` pypiserver asks for no credentials and ignores these.
  const publishEnv = { UV_PUBLISH_URL: url, UV_PUBLISH_USERNAME: 'anonymous', UV_PUBLISH_PASSWORD: 'anonymous' };

  const started = Date.now();
  const child = spawnWithLog(
    venvPython(venv),
    // `-a . -P .`: no authentication for anything; --disable-fallback: no redirect to another index for the rest.
    [
      '-m',
      'pypiserver',
      'run',
      '-p',
      String(port),
      '-i',
      '127.0.0.1',
      '-a',
      '.',
      '-P',
      '.',
      '--disable-fallback',
      packagesDir,
    ],
    logFile,
  );
  const service = await superviseService('pypiserver', child, { logFile, dir }, (alive) =>
    waitForHealth(url, options.startTimeoutMs ?? 30_000, alive),
  );

  return {
    url,
    simpleUrl: `${url}simple/`,
    publishEnv,
    packagesDir,
    logFile,
    startupMs: Date.now() - started,
    async publish(files, env = process.env) {
      await run('uv', ['publish', '--quiet', ...files], { env: { ...env, ...publishEnv } });
    },
    stop: service.stop,
  };
}
