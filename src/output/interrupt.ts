// Ctrl-C, for every command: one line on stderr saying what is left behind, the --json failure object, exit 130.
import { stderr } from './direct-output.js';
import { commandFailure, writeJson } from './json-output.js';
import { CancelledError, EXIT } from '../errors.js';

export interface Interruption {
  command: string;
  json?: boolean;
  /** Written to stderr as is; read when Ctrl-C comes, so it can follow the work. */
  message: () => string;
  /** While this says true, Ctrl-C is ignored: a write that is under way (update's commit) must not stop half way. */
  committing?: () => boolean;
  /** Before the message: ends whatever draws on the terminal (a spinner), so the message gets a line of its own. */
  stopDrawing?: () => void;
  /** Awaited before exiting (test-run stops the kernel and deletes its topics); a second Ctrl-C meanwhile is ignored. */
  cleanUp?: () => Promise<void>;
  /** SIGINT always; test-run also answers SIGTERM, so a parent that stops it still gets the cleanup. */
  signals?: NodeJS.Signals[];
}

/** Installs the handler; the returned function removes it. */
export function handleInterrupt(interruption: Interruption): () => void {
  const signals = interruption.signals ?? ['SIGINT'];
  let exiting = false;
  const onSignal = (): void => {
    if (exiting || interruption.committing?.()) return;
    exiting = true;
    interruption.stopDrawing?.();
    stderr().write(interruption.message());
    const cleanUp = interruption.cleanUp?.() ?? Promise.resolve();
    void cleanUp.finally(() => {
      if (interruption.json) writeJson(commandFailure(interruption.command, new CancelledError(), EXIT.cancelled));
      process.exit(EXIT.cancelled);
    });
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.removeListener(signal, onSignal);
  };
}

let resumeHint: string | undefined;

/** What create prints after "Cancelled." if Ctrl-C comes now; undefined clears it. */
export function setResumeHint(hint: string | undefined): void {
  resumeHint = hint;
}

/** Create's line: a step that leaves work half done (uv sync) says how to finish it. */
export function createCancelledMessage(): string {
  return `\nCancelled.${resumeHint ? ` ${resumeHint}` : ''}\n`;
}
