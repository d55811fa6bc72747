// A running kernel (`uv run python main.py`), with its output kept for assertions and failure reports.
// It is test-run's own kernel runner, with listeners for waiting on a log line.
import { resolveUvEnvironment } from '../../../src/infra/uv-env.js';
import { startKernel as startKernelProcess } from '../../../src/test-run/kernel-process.js';

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
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !INHERITED_PREFIXES.some((prefix) => key.startsWith(prefix))),
  );
}

export function startKernel(dir: string, env: Record<string, string>): KernelProcess {
  const output: string[] = [];
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) listener();
  };
  const clean = cleanEnvironment();
  const kernel = startKernelProcess(
    dir,
    { ...resolveUvEnvironment(clean), ...env },
    (line) => {
      output.push(line);
      notify();
    },
    clean,
  );
  void kernel.exited.then(notify);

  const tail = (lines = 40) => output.slice(-lines).join('\n');
  const waitForOutput = (pattern: RegExp, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (output.some((line) => pattern.test(line))) return finish(resolve);
        if (kernel.hasExited())
          return finish(() => reject(new Error(`kernel exited before printing ${pattern}:\n${tail()}`)));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${tail()}`))),
        timeoutMs,
      );
      const finish = (done: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        done();
      };
      listeners.add(check);
      check();
    });

  return {
    output,
    exited: kernel.exited,
    hasExited: kernel.hasExited,
    signal: kernel.signal,
    waitForOutput,
    async stop() {
      if (!kernel.hasExited() && (await kernel.terminate(15_000)) === undefined) await kernel.kill();
      return kernel.exited;
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
