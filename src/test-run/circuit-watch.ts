// What the kernel's log says about its circuit breaker during a test-run --outage: did it open, and close again.

export interface CircuitSeen {
  opened: number;
  /** The opening line, for the summary. */
  openedLine: string | null;
  closed: number;
  /** Seconds the circuit was open, from the kernel's closing line. */
  openSeconds: number | null;
}

const OPENED = /Circuit opened: (.*)$/;
const CLOSED = /Circuit closed: .* after ([\d.]+)s open/;

export function watchCircuit(): { seen: CircuitSeen; see(line: string): void } {
  const seen: CircuitSeen = { opened: 0, openedLine: null, closed: 0, openSeconds: null };
  return {
    seen,
    see(line) {
      const opened = OPENED.exec(line);
      if (opened) {
        seen.opened += 1;
        seen.openedLine ??= opened[1] ?? '';
        return;
      }
      const closed = CLOSED.exec(line);
      if (closed) {
        seen.closed += 1;
        seen.openSeconds = Number(closed[1]);
      }
    },
  };
}
