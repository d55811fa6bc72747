// A reader that goes away (`| head -1`) is not an error: stop writing to it and let the command finish.
import type { Writable } from 'node:stream';

function ignoreBrokenPipe(stream: Writable): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}

/** Called once at start-up: later writes to a closed stdout or stderr are dropped instead of crashing. */
export function tolerateClosedOutput(): void {
  ignoreBrokenPipe(process.stdout);
  ignoreBrokenPipe(process.stderr);
}
