// One step of create that is another program (uv sync, git): its command line, whether it worked, and its output when not.
import { execa } from 'execa';
import { CancelledError } from '../errors.js';
import { createCancelledMessage } from '../output/interrupt.js';

export interface ProcessRun {
  command: string;
  cwd: string;
  ok: boolean;
  exitCode: number | undefined;
  /** Last lines of the process's output when it failed. */
  outputTail?: string;
}

function tail(text: string, lines = 15): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** Spawns `file` and waits for it; a failure is a result to report, not an exception. */
export async function runProcess(
  file: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): Promise<ProcessRun> {
  const command = [file, ...args].join(' ');
  const result = await execa(file, args, { cwd, env, reject: false, all: true, stdin: 'ignore' });
  // Ctrl-C reaches the child with this process; when the child goes first, this is a cancel all the same, not a failure.
  if (result.signal === 'SIGINT') throw new CancelledError(createCancelledMessage().trim());
  const ok = result.exitCode === 0 && !result.failed;
  return {
    command,
    cwd,
    ok,
    exitCode: result.exitCode,
    ...(ok ? {} : { outputTail: tail(result.all ?? result.message) }),
  };
}
