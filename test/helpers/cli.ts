// Spawns the built CLI exactly as a user's shell would (node + the bin file), never importing it.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { execa, type ResultPromise } from 'execa';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI_BIN = join(REPO_ROOT, 'bin', 'create-clustera-kernel.js');

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; input?: string; nodeArgs?: string[] },
): Promise<CliRun> {
  const result = await execa(process.execPath, [...(options.nodeArgs ?? []), CLI_BIN, ...args], {
    cwd: options.cwd,
    env: { NO_COLOR: '1', ...options.env },
    reject: false,
    input: options.input ?? '',
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function spawnCli(args: string[], cwd: string): ResultPromise {
  return execa(process.execPath, [CLI_BIN, ...args], { cwd, reject: false, env: { NO_COLOR: '1' }, stdin: 'ignore' });
}

export function makeTempDir(prefix = 'cck-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Every file under dir, as sorted POSIX paths relative to it. */
export function listTree(dir: string): string[] {
  const walk = (current: string): string[] =>
    readdirSync(current).flatMap((entry) => {
      const path = join(current, entry);
      return statSync(path).isDirectory() ? walk(path) : [relative(dir, path).split('\\').join('/')];
    });
  return walk(dir).sort();
}

/** Creates a kernel in `root` as CI would (nothing asked, no uv sync, no git) and returns its directory. */
export async function createQuietKernel(
  root: string,
  name: string,
  kind = 'basic',
  extra: string[] = [],
): Promise<string> {
  const run = await runCli([name, '--kind', kind, '--yes', '--no-install', '--no-git', ...extra], { cwd: root });
  if (run.exitCode !== 0) throw new Error(`create ${name} (${kind}) exited ${run.exitCode}: ${run.stderr}`);
  return join(root, name);
}
