// A failed command's line on stderr: "error: " and the message, the stack first with --debug.
import { CancelledError } from '../errors.js';
import { stderr } from './direct-output.js';
import { errorMessage } from './json-output.js';

export function reportError(error: unknown, options: { debug?: boolean }): void {
  if (options.debug && error instanceof Error && error.stack) stderr().write(`${error.stack}\n`);
  // A cancel is the user's own doing, not an error.
  const prefix = error instanceof CancelledError ? '' : 'error: ';
  stderr().write(`${prefix}${errorMessage(error)}\n`);
}
