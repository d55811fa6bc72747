// Shows the kernel's log while a test-run waits: behind a spinner on a terminal, as plain lines in CI or pipes.
import type { TextSink } from '../output/direct-output.js';
import { startSpinner, type Spinner } from '../output/spinner.js';

export interface Progress {
  step(message: string): void;
  logLine(line: string): void;
  /** Ends the spinner, if any. */
  done(message: string): void;
}

/** `width`: the terminal's columns, asked each time since the window can be resized. */
export function createProgress(fancy: boolean, stream: TextSink, width: () => number = () => 80): Progress {
  if (!fancy) {
    return {
      step: (message) => void stream.write(`${message}\n`),
      logLine: (line) => void stream.write(`  kernel | ${line}\n`),
      done: (message) => void stream.write(`${message}\n`),
    };
  }
  // The spinner only writes: clack's put stdin in raw mode and exited 0 on Ctrl-C, skipping the cleanup.
  let spin: Spinner | undefined;
  let label = '';
  const fit = (text: string): string => text.slice(0, Math.max(20, width() - 4));
  return {
    step(message) {
      label = message;
      if (spin) spin.update(fit(message));
      else {
        stream.write('│\n');
        spin = startSpinner(stream, fit(message));
      }
    },
    logLine(line) {
      spin?.update(fit(`${label} | ${line}`));
    },
    done(message) {
      if (!spin) return;
      spin.clear();
      spin = undefined;
      stream.write(`◇  ${message}\n`);
    },
  };
}
