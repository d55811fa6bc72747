// Typed failures: helpers throw them, only the CLI layer turns them into exit codes.

export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;

/** Bad flag, bad value, bad target: the user can fix it by changing the command. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
}

/** The user cancelled a prompt or pressed Ctrl-C. */
export class CancelledError extends Error {
  readonly exitCode = EXIT.cancelled;
  constructor(message = 'Cancelled.') {
    super(message);
  }
}

/** Something went wrong that is not the user's input (a failed install, an unwritable disk). */
export class FailureError extends Error {
  readonly exitCode = EXIT.failure;
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof CancelledError || error instanceof FailureError)
    return error.exitCode;
  return EXIT.failure;
}
