// Human output: clack's styled lines and spinners on a terminal, plain static lines otherwise.
// With --json, stdout carries only the final JSON object, so human lines go to stderr.
import type { TextSink } from './direct-output.js';

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  success(message: string): void;
  /** Runs a long task with a spinner (or a start and an end line). */
  task<T>(label: string, run: () => Promise<T>, done: (result: T) => string): Promise<T>;
}

/** Plain lines; CI and pipes never need the styled reporter, so it loads only through openReporter. */
export function createReporter(options: { fancy: false; sink: TextSink }): Reporter {
  return plainReporter(options.sink);
}

/** The styled reporter writes to process.stdout, the one stream clack draws on. */
export async function openReporter(options: { fancy: boolean; sink: TextSink }): Promise<Reporter> {
  if (!options.fancy) return plainReporter(options.sink);
  const { fancyReporter } = await import('./fancy-reporter.js');
  return fancyReporter(process.stdout);
}

function plainReporter(stream: TextSink): Reporter {
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
