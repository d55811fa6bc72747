// A server the tests spawn (a package registry, a package index): killed if the runner dies, stopped with its files.
import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tailLines } from '../../src/infra/log-tail.js';
import { hasExited, stopProcess } from '../../src/infra/stop-process.js';

export interface SupervisedService {
  /** Stops the process and removes its working directory. */
  stop(): Promise<void>;
}

/**
 * Waits until `waitReady` sees the service answer; if it never does, stops it, removes `dir` and throws with the
 * last lines of its log. `waitReady` gets whether the process is still alive, to give up early when it died.
 */
export async function superviseService(
  name: string,
  child: ChildProcess,
  files: { logFile: string; dir: string },
  waitReady: (alive: () => boolean) => Promise<void>,
): Promise<SupervisedService> {
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  // A crashed test runner must not leave the service behind holding its port.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    await stopProcess(child);
    process.removeListener('exit', killOnExit);
    await rm(files.dir, { recursive: true, force: true });
  };
  try {
    await waitReady(() => spawnError === undefined && !hasExited(child));
  } catch (error) {
    const tail = await tailLines(files.logFile);
    await stop();
    throw new Error(
      `${name} did not start: ${error instanceof Error ? error.message : String(error)}\n--- last lines of its log ---\n${tail}`,
    );
  }
  return { stop };
}
