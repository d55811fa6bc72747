// Questions asked through @clack/prompts; the streams are injectable so the flow is testable without a terminal.
import type { Readable, Writable } from 'node:stream';
import * as clack from '@clack/prompts';
import { CancelledError } from '../errors.js';

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

export interface Prompter {
  text(options: {
    message: string;
    defaultValue: string;
    validate: (value: string) => string | undefined;
  }): Promise<string>;
  select(options: { message: string; choices: Choice[]; initialValue: string }): Promise<string>;
  confirm(options: { message: string; initialValue: boolean }): Promise<boolean>;
}

export interface PromptStreams {
  input?: Readable;
  output?: Writable;
}

function orCancel<T>(value: T | symbol): T {
  if (clack.isCancel(value) || typeof value === 'symbol') throw new CancelledError('Cancelled: nothing was written.');
  return value;
}

export function createClackPrompter(streams: PromptStreams = {}): Prompter {
  // One spelling throughout: clack's own default spells it with a single "l".
  clack.updateSettings({ messages: { cancel: 'Cancelled' } });
  return {
    async text({ message, defaultValue, validate }) {
      const answer = await clack.text({
        ...streams,
        message,
        placeholder: defaultValue,
        defaultValue,
        // An empty answer means "take the default", so the default is what gets checked.
        validate: (value) => validate(value || defaultValue),
      });
      return orCancel<string>(answer);
    },
    async select({ message, choices, initialValue }) {
      return orCancel<string>(await clack.select({ ...streams, message, options: choices, initialValue }));
    },
    async confirm({ message, initialValue }) {
      return orCancel<boolean>(await clack.confirm({ ...streams, message, initialValue }));
    },
  };
}
