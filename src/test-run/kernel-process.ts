// The kernel under test: `uv run python main.py` with the test-run's overrides, its log kept for the summary.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { resolveUvEnvironment } from '../infra/uv-env.js';

export interface RunningKernel {
  pid: number | undefined;
  hasExited(): boolean;
  /** Resolves with the exit code (128 + n for a signal) once the kernel ended. */
  exited: Promise<number>;
  tail(lines: number): string;
  /** SIGTERM, then the exit code, or undefined when it has not stopped within `ms`. */
  terminate(ms: number): Promise<number | undefined>;
  kill(): Promise<void>;
  signal(name: NodeJS.Signals): void;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export function uvEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ...resolveUvEnvironment(process.env, { forbidPythonDownloads: false }) };
}

export type InstallOutcome = 'installed' | 'in-sync' | { kept: string };

/**
 * `uv sync`: installs a kernel never installed, and brings an installed one up to its pyproject.toml (after an
 * update). When an installed kernel cannot sync (offline, say) its existing environment is used, and the reason kept.
 */
export async function ensureInstalled(dir: string, step: (message: string) => void): Promise<InstallOutcome> {
  const installed = existsSync(join(dir, '.venv'));
  step(installed ? "Syncing the kernel's environment (uv sync)" : 'Installing the kernel (uv sync)');
  const synced = await execa('uv', ['sync'], { cwd: dir, env: uvEnv(), reject: false, all: true, stdin: 'ignore' });
  if (synced.exitCode === 0) return installed ? 'in-sync' : 'installed';
  const output = (synced.all ?? '').trim();
  if (!installed) throw new Error(`uv sync failed in ${dir}:\n${output}`.trim());
  return { kept: output.split('\n').at(-1) ?? `uv sync exited ${synced.exitCode}` };
}

function race<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** `baseEnv` is what the kernel inherits before the overrides: the user's environment, unless a caller cleans it. */
export function startKernel(
  dir: string,
  overrides: NodeJS.ProcessEnv,
  onLine: (line: string) => void,
  baseEnv: NodeJS.ProcessEnv = process.env,
): RunningKernel {
  const lines: string[] = [];
  const child: ResultPromise = execa('uv', ['run', '--no-sync', 'python', 'main.py'], {
    cwd: dir,
    env: {
      ...baseEnv,
      ...resolveUvEnvironment(baseEnv, { forbidPythonDownloads: false }),
      PYTHONUNBUFFERED: '1',
      ...overrides,
    },
    extendEnv: false,
    reject: false,
    all: true,
    buffer: false,
    stdin: 'ignore',
  });
  let ended = false;
  let partial = '';
  const keep = (line: string): void => {
    lines.push(line);
    // The summary shows a tail; the whole log of a long run is not needed in memory.
    if (lines.length > 500) lines.splice(0, lines.length - 500);
    onLine(line);
  };
  child.all?.setEncoding('utf8');
  child.all?.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    parts.forEach(keep);
  });
  const exited = child.then((result) => {
    ended = true;
    if (partial) keep(partial);
    if (result.failed && result.exitCode === undefined && !result.signal)
      keep(`(could not start the kernel: ${result.shortMessage})`);
    return result.exitCode ?? (result.signal ? 128 + (SIGNAL_NUMBERS[result.signal] ?? 0) : 1);
  });
  return {
    pid: child.pid,
    hasExited: () => ended,
    exited,
    tail: (count) => lines.slice(-count).join('\n'),
    async terminate(ms) {
      if (!ended) child.kill('SIGTERM');
      return race(exited, ms);
    },
    signal: (name) => void child.kill(name),
    async kill() {
      if (ended) return;
      child.kill('SIGTERM');
      if ((await race(exited, 5000)) === undefined) child.kill('SIGKILL');
      await race(exited, 5000);
    },
  };
}
