// The terminal reporter: clack's styled lines and spinners, loaded only when stdout is a terminal.
import type { Writable } from 'node:stream';
import * as clack from '@clack/prompts';
import type { Reporter } from './reporter.js';
import { startSpinner } from './spinner.js';

export function fancyReporter(stream: Writable): Reporter {
  return {
    info: (message) => clack.log.info(message, { output: stream }),
    warn: (message) => clack.log.warn(message, { output: stream }),
    success: (message) => clack.log.success(message, { output: stream }),
    async task(label, run, done) {
      const spin = startSpinner(stream, label);
      try {
        const result = await run();
        spin.clear();
        clack.log.success(done(result), { output: stream });
        return result;
      } catch (error) {
        spin.clear();
        clack.log.error(label, { output: stream });
        throw error;
      }
    },
  };
}
