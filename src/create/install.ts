// `uv sync` in the new kernel; a failure keeps the project and tells the user how to retry.
import { execa } from 'execa';

export interface CommandRun {
  command: string;
  cwd: string;
  ok: boolean;
  exitCode: number | undefined;
  /** Last lines of the command's output when it failed. */
  outputTail?: string;
}

function tail(text: string, lines = 15): string {
  return text.split('\n').slice(-lines).join('\n');
}

export async function runCommand(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CommandRun> {
  const command = [file, ...args].join(' ');
  const result = await execa(file, args, { cwd, env, reject: false, all: true, stdin: 'ignore' });
  const ok = result.exitCode === 0 && !result.failed;
  return { command, cwd, ok, exitCode: result.exitCode, ...(ok ? {} : { outputTail: tail(result.all ?? result.message) }) };
}

export function installKernel(kernelDir: string, env: NodeJS.ProcessEnv): Promise<CommandRun> {
  return runCommand('uv', ['sync'], kernelDir, env);
}
