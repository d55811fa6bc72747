// stdout and stderr written straight to their file descriptors. Building process.stdout loads Node's stream modules,
// about 4 ms of a scaffold; a plain line needs none of it. A reader that goes away (`| head -1`) ends that output quietly.
import { writeSync } from 'node:fs';

export interface TextSink {
  write(text: string): void;
}

function descriptorSink(fd: 1 | 2): TextSink {
  let closed = false;
  let stream: NodeJS.WriteStream | undefined;
  return {
    write(text) {
      if (closed) return;
      if (stream) {
        stream.write(text);
        return;
      }
      const bytes = Buffer.from(text);
      let written = 0;
      try {
        while (written < bytes.length) written += writeSync(fd, bytes, written);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') {
          closed = true;
          return;
        }
        if (code !== 'EAGAIN') throw error;
        // A full non-blocking descriptor: from here on the stream queues this line and every later one, in order.
        stream = fd === 1 ? process.stdout : process.stderr;
        stream.on('error', (streamError: NodeJS.ErrnoException) => {
          if (streamError.code !== 'EPIPE') throw streamError;
        });
        stream.write(bytes.subarray(written));
      }
    },
  };
}

let stdoutSink: TextSink | undefined;
let stderrSink: TextSink | undefined;

export function stdout(): TextSink {
  stdoutSink ??= descriptorSink(1);
  return stdoutSink;
}

export function stderr(): TextSink {
  stderrSink ??= descriptorSink(2);
  return stderrSink;
}
