// Human output: clack's styled lines and spinners on a terminal, plain static lines otherwise.
// With --json, stdout carries only the final JSON object, so human lines go to stderr.
import type { Writable } from 'node:stream';

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  success(message: string): void;
  /** Runs a long task with a spinner (or a start and an end line). */
  task<T>(label: string, run: () => Promise<T>, done: (result: T) => string): Promise<T>;
}

/** Plain lines; CI and pipes never need the styled reporter, so it loads only through openReporter. */
export function createReporter(options: { fancy: false; stream: Writable }): Reporter {
  return plainReporter(options.stream);
}

export async function openReporter(options: { fancy: boolean; stream: Writable }): Promise<Reporter> {
  if (!options.fancy) return plainReporter(options.stream);
  const { fancyReporter } = await import('./fancy-reporter.js');
  return fancyReporter(options.stream);
}

function plainReporter(stream: Writable): Reporter {
  const line = (text: string) => stream.write(`${text}\n`);
  return {
    info: (message) => line(message),
    warn: (message) => line(`warning: ${message}`),
    success: (message) => line(message),
    async task(label, run, done) {
      line(`${label}...`);
      const result = await run();
      line(done(result));
      return result;
    },
  };
}
