// test-run's latency figures: percentiles of the produce-to-commit delays and of the kernel's processing histogram.
import { describe, expect, it } from 'vitest';
import { CommitDelays, percentiles } from '../../src/test-run/commit-delay.js';
import { histogramQuantile, processingPercentiles } from '../../src/test-run/kernel-metrics.js';

describe('produce-to-commit delays', () => {
  it('ties each offset to its produce batch and to the first poll that saw it committed', () => {
    const delays = new CommitDelays({ 0: 0, 1: 5 });
    delays.produced(1000, { 0: 2, 1: 6 });
    delays.produced(2000, { 0: 3, 1: 6 });
    const poll = (at: number, committed: Record<number, number>) =>
      delays.polled({ committed, start: {}, end: {} }, at);
    poll(1500, { 0: 1 });
    poll(2500, { 0: 2, 1: 6 });
    poll(4000, { 0: 3, 1: 6 });

    expect(delays.delaysSeconds().sort()).toEqual([0.5, 1.5, 1.5, 2]);
  });

  it('leaves out messages never seen committed', () => {
    const delays = new CommitDelays({ 0: 0 });
    delays.produced(0, { 0: 3 });
    delays.polled({ committed: { 0: 1 }, start: {}, end: {} }, 700);

    expect(delays.delaysSeconds()).toEqual([0.7]);
  });

  it('reports nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles(values)).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(percentiles([3])).toEqual({ p50: 3, p95: 3, p99: 3 });
  });
});

describe('processing-time percentiles from the kernel histogram', () => {
  const exposition = [
    '# TYPE clustera_kernel_processing_seconds histogram',
    'clustera_kernel_processing_seconds_bucket{le="0.001"} 50.0',
    'clustera_kernel_processing_seconds_bucket{le="0.01"} 90.0',
    'clustera_kernel_processing_seconds_bucket{le="0.1"} 100.0',
    'clustera_kernel_processing_seconds_bucket{le="+Inf"} 100.0',
    'clustera_kernel_processing_seconds_count 100.0',
  ].join('\n');

  it("interpolates within the bucket as Prometheus' histogram_quantile does", () => {
    const p = processingPercentiles(exposition)!;
    expect(p.p50).toBeCloseTo(0.001, 9);
    expect(p.p95).toBeCloseTo(0.01 + 0.09 * 0.5, 9);
    expect(p.p99).toBeCloseTo(0.01 + 0.09 * 0.9, 9);
  });

  it('answers the largest finite bound for ranks above it, and nothing without observations', () => {
    expect(
      histogramQuantile(0.99, [
        [0.5, 1],
        [Number.POSITIVE_INFINITY, 10],
      ]),
    ).toBe(0.5);
    expect(processingPercentiles(exposition.replaceAll(/ \d+\.0/g, ' 0.0'))).toBeUndefined();
  });
});
