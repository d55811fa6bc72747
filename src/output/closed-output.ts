// A reader that goes away (`| head -1`) is not an error: stop writing to it and let the command finish.
import { fstatSync } from 'node:fs';
import type { Writable } from 'node:stream';

function ignoreBrokenPipe(stream: Writable): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}

// Only a pipe or socket can be closed by its reader; a file or terminal stream is not even created before it is used.
function isPipe(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
}

/** Called once at start-up: later writes to a closed stdout or stderr are dropped instead of crashing. */
export function tolerateClosedOutput(): void {
  if (isPipe(1)) ignoreBrokenPipe(process.stdout);
  if (isPipe(2)) ignoreBrokenPipe(process.stderr);
}
