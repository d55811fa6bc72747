// A running kernel (`uv run python main.py`), with its output kept for assertions and failure reports.
import { execa, type ResultPromise } from 'execa';
import { resolveUvEnvironment } from '../../../src/infra/uv-env.js';

export interface KernelProcess {
  output: string[];
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number>;
  hasExited(): boolean;
  signal(name: NodeJS.Signals): void;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Stops it if still running (SIGTERM, then SIGKILL) and returns the exit code. */
  stop(): Promise<number>;
  tail(lines?: number): string;
}

// Variables of the developer's shell must not leak into a kernel under test.
const INHERITED_PREFIXES = ['KAFKA_', 'DATABASE_', 'API_', 'OPENAI_', 'OUTPUT_TOPIC', 'DLQ_TOPIC', 'MODEL_NAME'];

function cleanEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !INHERITED_PREFIXES.some((prefix) => key.startsWith(prefix))));
}

export function startKernel(dir: string, env: Record<string, string>): KernelProcess {
  const output: string[] = [];
  const child: ResultPromise = execa('uv', ['run', '--no-sync', 'python', 'main.py'], {
    cwd: dir,
    env: { ...cleanEnvironment(), ...resolveUvEnvironment(), PYTHONUNBUFFERED: '1', ...env },
    extendEnv: false,
    reject: false,
    all: true,
    buffer: false,
    stdin: 'ignore',
  });
  let ended = false;
  const listeners = new Set<() => void>();
  child.all?.setEncoding('utf8');
  let partial = '';
  child.all?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    output.push(...lines);
    for (const listener of listeners) listener();
  });
  const exited = child.then((result) => {
    ended = true;
    if (partial) output.push(partial);
    for (const listener of listeners) listener();
    return result.exitCode ?? (result.signal ? 128 : -1);
  });

  const waitForOutput = (pattern: RegExp, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (output.some((line) => pattern.test(line))) return finish(resolve);
        if (ended) return finish(() => reject(new Error(`kernel exited before printing ${pattern}:\n${tail()}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${tail()}`))), timeoutMs);
      const finish = (done: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        done();
      };
      listeners.add(check);
      check();
    });

  const tail = (lines = 40) => output.slice(-lines).join('\n');

  return {
    output,
    exited,
    hasExited: () => ended,
    signal: (name) => void child.kill(name),
    waitForOutput,
    async stop() {
      if (!ended) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
    tail,
  };
}

/** The exit code, or "still running" when the kernel has not stopped within `ms` (a bound for reporting, not a speed check). */
export async function exitCodeWithin(kernel: KernelProcess, ms: number): Promise<number | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'still running'>((resolve) => {
    timer = setTimeout(() => resolve('still running'), ms);
  });
  try {
    return await Promise.race([kernel.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
