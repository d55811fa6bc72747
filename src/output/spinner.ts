// A spinner that only writes: unlike clack's, it never puts stdin in raw mode, so Ctrl-C stays a real SIGINT.
import type { TextSink } from './direct-output.js';

const FRAMES = ['◒', '◐', '◓', '◑'];
const FRAME_MS = 100;

export interface Spinner {
  /** Replaces the label from the next frame on. */
  update(label: string): void;
  /** Clears the spinner line; the caller prints the outcome. */
  clear(): void;
}

export function startSpinner(stream: TextSink, label: string): Spinner {
  let frame = 0;
  const draw = () => {
    stream.write(`\r\x1b[2K${FRAMES[frame % FRAMES.length]}  ${label}`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, FRAME_MS);
  return {
    update(next) {
      label = next;
    },
    clear() {
      clearInterval(timer);
      stream.write('\r\x1b[2K');
    },
  };
}
