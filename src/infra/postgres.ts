import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from './free-port.js';
import { tailLines } from './log-tail.js';

const run = promisify(execFile);
const DEBIAN_ROOT = '/usr/lib/postgresql';
// PostgreSQL refuses to run as root; Debian's package creates this user.
const SERVICE_USER = 'postgres';

export interface PostgresServer {
  url: string;
  port: number;
  dataDir: string;
  logFile: string;
  startupMs: number;
  /** Stops the server and keeps its data, so start() brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its data. */
  destroy(): Promise<void>;
}

// PG_BIN picks a build; otherwise the newest of Debian's versioned directories.
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PG_BIN) return env.PG_BIN;
  const majors = existsSync(DEBIAN_ROOT) ? readdirSync(DEBIAN_ROOT).filter((name) => /^\d+$/.test(name)) : [];
  const newest = majors
    .sort((a, b) => Number(b) - Number(a))
    .find((major) => existsSync(join(DEBIAN_ROOT, major, 'bin', 'initdb')));
  if (newest === undefined)
    throw new Error(`PostgreSQL is not installed: no initdb under ${DEBIAN_ROOT} (apt-get install postgresql)`);
  return join(DEBIAN_ROOT, newest, 'bin');
}

function asServiceUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', SERVICE_USER, '--', command, ...args]] : [command, args];
}

// Runs from the server's own directory: the service user may not be allowed into the caller's.
function runAsServiceUser(command: string, args: string[], cwd: string): Promise<unknown> {
  const [file, argv] = asServiceUser(command, args);
  return run(file, argv, { cwd });
}

async function giveToServiceUser(dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const id = (flag: string): number => Number(execFileSync('id', [flag, SERVICE_USER], { encoding: 'utf8' }).trim());
  await chown(dir, id('-u'), id('-g'));
}

// Durability is pointless for a throwaway cluster; turning it off makes every test write faster.
function serverSettings(port: number, socketDir: string): string {
  return [
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${socketDir}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'max_connections = 50',
    '',
  ].join('\n');
}

export async function startPostgres(bin = findPostgresBin()): Promise<PostgresServer> {
  const root = await mkdtemp(join(tmpdir(), 'clustera-pg-'));
  await giveToServiceUser(root);
  const dataDir = join(root, 'data');
  const logFile = join(root, 'postgres.log');
  const port = await findFreePort();
  const pgCtl = (...args: string[]): Promise<unknown> =>
    runAsServiceUser(join(bin, 'pg_ctl'), ['-D', dataDir, ...args], root);
  const started = Date.now();
  try {
    await runAsServiceUser(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      root,
    );
    await appendFile(join(dataDir, 'postgresql.conf'), serverSettings(port, root));
    await pgCtl('-l', logFile, '-w', '-t', '30', 'start');
  } catch (error) {
    const tail = await tailLines(logFile);
    await rm(root, { recursive: true, force: true });
    throw new Error(
      `PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}\n--- last lines of the server log ---\n${tail}`,
    );
  }
  // A crashed test runner must not leave a server behind.
  const stopOnExit = (): void => {
    try {
      const [file, argv] = asServiceUser(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']);
      execFileSync(file, argv, { cwd: root, stdio: 'ignore' });
    } catch {
      // Already stopped.
    }
  };
  process.once('exit', stopOnExit);
  const stop = async (): Promise<void> => {
    await pgCtl('-m', 'fast', '-w', 'stop');
  };
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    logFile,
    startupMs: Date.now() - started,
    stop,
    async start() {
      await pgCtl('-l', logFile, '-w', '-t', '30', 'start');
    },
    async destroy() {
      await stop().catch(() => undefined);
      process.removeListener('exit', stopOnExit);
      await rm(root, { recursive: true, force: true });
    },
  };
}
