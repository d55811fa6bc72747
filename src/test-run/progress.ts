// Shows the kernel's log while a test-run waits: behind a spinner on a terminal, as plain lines in CI or pipes.
import type { Writable } from 'node:stream';
import * as clack from '@clack/prompts';

export interface Progress {
  step(message: string): void;
  logLine(line: string): void;
  /** Ends the spinner, if any. */
  done(message: string): void;
}

export function createProgress(fancy: boolean, stream: Writable): Progress {
  if (!fancy) {
    return {
      step: (message) => void stream.write(`${message}\n`),
      logLine: (line) => void stream.write(`  kernel | ${line}\n`),
      done: (message) => void stream.write(`${message}\n`),
    };
  }
  const spin = clack.spinner({ output: stream });
  let spinning = false;
  let label = '';
  const width = (): number => Math.max(20, ((stream as { columns?: number }).columns ?? 80) - 10);
  return {
    step(message) {
      label = message;
      if (spinning) spin.message(message);
      else spin.start(message);
      spinning = true;
    },
    logLine(line) {
      if (spinning) spin.message(`${label} | ${line}`.slice(0, width()));
    },
    done(message) {
      if (spinning) spin.stop(message);
      spinning = false;
    },
  };
}
