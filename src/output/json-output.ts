// --json: stdout carries one object, the command's result or, whatever the command, this failure.
import { stdout } from './direct-output.js';

export interface CommandFailure {
  ok: false;
  command: string;
  error: string;
  exitCode: number;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function commandFailure(command: string, error: unknown, exitCode: number): CommandFailure {
  return { ok: false, command, error: errorMessage(error), exitCode };
}

export function writeJson(value: object): void {
  stdout().write(`${JSON.stringify(value, null, 2)}\n`);
}
