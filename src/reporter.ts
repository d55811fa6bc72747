// Human output: clack's styled lines and spinners on a terminal, plain static lines otherwise.
// With --json, stdout carries only the final JSON object, so human lines go to stderr.
import type { Writable } from 'node:stream';
import * as clack from '@clack/prompts';

export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  success(message: string): void;
  /** Runs a long task with a spinner (or a start and an end line). */
  task<T>(label: string, run: () => Promise<T>, done: (result: T) => string): Promise<T>;
}

export function createReporter(options: { fancy: boolean; stream: Writable }): Reporter {
  return options.fancy ? fancyReporter(options.stream) : plainReporter(options.stream);
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

function fancyReporter(stream: Writable): Reporter {
  return {
    info: (message) => clack.log.info(message, { output: stream }),
    warn: (message) => clack.log.warn(message, { output: stream }),
    success: (message) => clack.log.success(message, { output: stream }),
    async task(label, run, done) {
      const spin = clack.spinner({ output: stream });
      spin.start(label);
      try {
        const result = await run();
        spin.stop(done(result));
        return result;
      } catch (error) {
        spin.error(label);
        throw error;
      }
    },
  };
}
