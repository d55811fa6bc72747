// Ctrl-C exits 130 with one line on what is left behind; a step that leaves work half done sets that line.
import { stderr } from './direct-output.js';
import { EXIT } from '../errors.js';

let resumeHint: string | undefined;

/** What to print after "Cancelled." if Ctrl-C comes now; undefined clears it. */
export function setResumeHint(hint: string | undefined): void {
  resumeHint = hint;
}

function onSigint(): void {
  stderr().write(`\nCancelled.${resumeHint ? ` ${resumeHint}` : ''}\n`);
  process.exit(EXIT.cancelled);
}

/** Installs the handler; the returned function removes it. */
export function exitOnInterrupt(): () => void {
  process.once('SIGINT', onSigint);
  return () => {
    process.removeListener('SIGINT', onSigint);
    resumeHint = undefined;
  };
}
