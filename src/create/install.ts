// `uv sync` in the new kernel; a failure keeps the project and tells the user how to retry.
import { runProcess, type ProcessRun } from './run-process.js';

export function installKernel(kernelDir: string, env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return runProcess('uv', ['sync'], kernelDir, env);
}
