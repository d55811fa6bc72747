// The test kernel's own /metrics and /readyz (test-run gives it a HEALTH_PORT): readiness before producing, its
// processing-time histogram read back as percentiles, and labelled samples such as its circuit's state.
import { metricName } from '../facts.js';
import type { Percentiles } from './commit-delay.js';

const HISTOGRAM = `${metricName('processing_seconds')}_bucket`;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function status(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

/** Resolves true once /readyz answers 200 (partitions assigned), false if the kernel stops or the deadline passes. */
export async function waitForReady(port: number, deadline: number, isAlive: () => boolean): Promise<boolean> {
  while (isAlive() && Date.now() < deadline) {
    if ((await status(`http://127.0.0.1:${port}/readyz`)) === 200) return true;
    await pause(200);
  }
  return false;
}

export async function scrapeMetrics(port: number): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

/** The value of each sample of `series` by the value of its one label `label` (e.g. the circuit gauge by dependency). */
export function samplesByLabel(exposition: string, series: string, label: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const match of exposition.matchAll(new RegExp(`^${series}\\{${label}="([^"]*)"\\} (\\S+)$`, 'gm'))) {
    samples.set(match[1] ?? '', Number(match[2]));
  }
  return samples;
}

/** Cumulative buckets (upper bound, count) of the processing-time histogram, +Inf last. */
export function processingBuckets(exposition: string): [number, number][] {
  const buckets: [number, number][] = [];
  for (const match of exposition.matchAll(new RegExp(`^${HISTOGRAM}\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))) {
    buckets.push([match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1]), Number(match[2])]);
  }
  return buckets.sort((a, b) => a[0] - b[0]);
}

/** Prometheus' histogram_quantile: linear within the bucket that holds the rank; undefined without observations. */
export function histogramQuantile(q: number, buckets: [number, number][]): number | undefined {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const [bound, count] of buckets) {
    if (count >= rank) {
      // Beyond the largest finite bound Prometheus answers that bound; so do we.
      if (bound === Number.POSITIVE_INFINITY) return lower;
      return lower + ((bound - lower) * (rank - below)) / Math.max(count - below, 1);
    }
    lower = bound;
    below = count;
  }
  return lower;
}

export function processingPercentiles(exposition: string): Percentiles | undefined {
  const buckets = processingBuckets(exposition);
  const [p50, p95, p99] = [0.5, 0.95, 0.99].map((q) => histogramQuantile(q, buckets));
  if (p50 === undefined || p95 === undefined || p99 === undefined) return undefined;
  return { p50, p95, p99 };
}
