// What the kernel's /metrics says about its circuit breaker during a test-run --outage: polled from just before the
// stand-in goes down until the run settles it, so no log line's wording is part of the contract.
import { metricSeries } from '../facts.js';
import { samplesByLabel, scrapeMetrics } from './kernel-metrics.js';

export interface CircuitSeen {
  /** Openings the kernel counted during the outage (the increase of its circuit-openings counter). */
  opened: number;
  /** Of those, the ones that closed again: every one but a circuit still open at the last reading. */
  closed: number;
  /** Seconds a circuit was seen open, from the polled gauge (to within a poll); null if never seen open. */
  openSeconds: number | null;
  /** The dependencies whose circuit opened, as the kernel names them. */
  dependencies: string[];
}

/** One scrape: the circuit gauge (1 open, 0 closed) and the openings counter, by dependency. */
export interface CircuitReading {
  at: number;
  open: Map<string, number>;
  openings: Map<string, number>;
}

const POLL_MS = 250;
const SERIES = metricSeries();

export function readCircuit(exposition: string, at: number): CircuitReading {
  return {
    at,
    open: samplesByLabel(exposition, SERIES.circuit_open, 'dependency'),
    openings: samplesByLabel(exposition, SERIES.circuit_opened, 'dependency'),
  };
}

const isOpen = (reading: CircuitReading) => [...reading.open.values()].some((value) => value > 0);

/** The readings, the first taken before the outage, folded into what the summary shows. */
export function circuitSeen(readings: CircuitReading[]): CircuitSeen {
  const first = readings[0];
  const last = readings.at(-1);
  if (first === undefined || last === undefined) return { opened: 0, closed: 0, openSeconds: null, dependencies: [] };
  const increases = [...last.openings].map(([dependency, count]) => {
    const opened = count - (first.openings.get(dependency) ?? 0);
    return { dependency, opened, closed: opened - ((last.open.get(dependency) ?? 0) > 0 ? 1 : 0) };
  });
  const opening = increases.filter((increase) => increase.opened > 0);
  let openMs = 0;
  let seenOpen = false;
  readings.forEach((reading, index) => {
    const next = readings[index + 1];
    if (!isOpen(reading)) return;
    seenOpen = true;
    if (next) openMs += next.at - reading.at;
  });
  return {
    opened: opening.reduce((sum, increase) => sum + increase.opened, 0),
    closed: opening.reduce((sum, increase) => sum + Math.max(increase.closed, 0), 0),
    openSeconds: seenOpen ? openMs / 1000 : null,
    dependencies: opening.map((increase) => increase.dependency).sort(),
  };
}

/** Polled every quarter second, so a circuit open for less than that may never be seen open. */
export function formatOpenSeconds(seconds: number | null): string {
  return seconds === null ? 'less than a poll' : `${seconds.toFixed(1)} s`;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface CircuitWatch {
  /** Polls until every circuit is closed or `deadline` passes, then stops and returns what it saw. */
  settle(deadline: number): Promise<CircuitSeen>;
  /** Stops polling (for cleanup after a failed run) and returns what it saw. */
  stop(): Promise<CircuitSeen>;
}

/** Takes the first reading before returning, so openings are counted from before the outage begins. */
export async function watchCircuit(port: number): Promise<CircuitWatch> {
  const readings: CircuitReading[] = [];
  const read = async () => {
    const exposition = await scrapeMetrics(port);
    if (exposition !== undefined) readings.push(readCircuit(exposition, Date.now()));
  };
  await read();
  let polling = true;
  const loop = (async () => {
    while (polling) {
      await pause(POLL_MS);
      await read();
    }
  })();
  const stop = async () => {
    polling = false;
    await loop;
    return circuitSeen(readings);
  };
  return {
    async settle(deadline) {
      while (Date.now() < deadline) {
        const last = readings.at(-1);
        if (last && !isOpen(last) && readings.length > 1) break;
        await pause(POLL_MS);
      }
      return stop();
    },
    stop,
  };
}
