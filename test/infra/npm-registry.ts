// A throwaway npm registry (Verdaccio) on a free loopback port: only create-clustera-kernel may be published, anyone
// may publish it, and there is no uplink, so nothing it serves comes from anywhere but this machine.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from '../../src/infra/free-port.js';
import { ensureNpmTool, VERDACCIO } from './npm-tools.js';
import { superviseService } from './supervised-service.js';

const run = promisify(execFile);

export const PUBLISHABLE_PACKAGE = 'create-clustera-kernel';

export interface NpmRegistry {
  /** With a trailing slash, as npm writes registry URLs. */
  url: string;
  /** npm_config_* for npm and npx: this registry, a cache and user config of their own, no update check. */
  clientEnv: Record<string, string>;
  logFile: string;
  startupMs: number;
  /** Method and path of every request served so far, oldest first (from Verdaccio's own request log). */
  requests(): Promise<string[]>;
  /** Publishes a package folder or tarball as it is: its lifecycle scripts are not run. */
  publish(packageDirOrTarball: string): Promise<void>;
  stop(): Promise<void>;
}

function verdaccioConfig(dir: string): string {
  const config = {
    storage: join(dir, 'storage'),
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: -1 } },
    web: { enable: false },
    uplinks: {},
    packages: {
      [PUBLISHABLE_PACKAGE]: { access: '$anonymous', publish: '$anonymous' },
      '**': { access: '$anonymous' },
    },
    // The http level logs every request; requests() reads them back.
    log: { type: 'stdout', format: 'json', level: 'http' },
  };
  // YAML is a superset of JSON, so Verdaccio reads this as its usual config.yaml.
  return JSON.stringify(config, null, 2);
}

function requestLine(line: string): string | undefined {
  try {
    const entry = JSON.parse(line) as { req?: { method?: string; url?: string } };
    return entry.req?.url === undefined ? undefined : `${entry.req.method} ${entry.req.url}`;
  } catch {
    return undefined;
  }
}

async function waitForPing(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive()) throw new Error('Verdaccio exited');
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`no answer on ${url}-/ping within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function spawnWithLog(args: string[], logFile: string): ChildProcess {
  const out = openSync(logFile, 'a');
  try {
    return spawn(process.execPath, args, { stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
}

export async function startNpmRegistry(options: { startTimeoutMs?: number } = {}): Promise<NpmRegistry> {
  const prefix = await ensureNpmTool(VERDACCIO);
  const dir = await mkdtemp(join(tmpdir(), 'clustera-npm-registry-'));
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}/`;
  const configFile = join(dir, 'config.yaml');
  const logFile = join(dir, 'verdaccio.log');
  writeFileSync(configFile, verdaccioConfig(dir));
  // npm refuses to publish without a token; Verdaccio takes an unknown one as anonymous, which may publish here.
  const userConfig = join(dir, 'npmrc');
  writeFileSync(userConfig, `//127.0.0.1:${port}/:_authToken=anonymous\n`);
  mkdirSync(join(dir, 'npm-cache'));
  const clientEnv = {
    npm_config_registry: url,
    npm_config_userconfig: userConfig,
    npm_config_cache: join(dir, 'npm-cache'),
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };

  const started = Date.now();
  const bin = join(prefix, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  const child = spawnWithLog([bin, '--config', configFile, '--listen', `127.0.0.1:${port}`], logFile);
  const service = await superviseService('Verdaccio', child, { logFile, dir }, (alive) =>
    waitForPing(url, options.startTimeoutMs ?? 30_000, alive),
  );

  return {
    url,
    clientEnv,
    logFile,
    startupMs: Date.now() - started,
    async requests() {
      const log = await readFile(logFile, 'utf8');
      return log.split('\n').flatMap((line) => requestLine(line) ?? []);
    },
    async publish(packageDirOrTarball) {
      await run('npm', ['publish', '--ignore-scripts', packageDirOrTarball], {
        env: { ...process.env, ...clientEnv },
      });
    },
    stop: service.stop,
  };
}
