// The end-to-end delay of each test message: from the moment it was produced to the first poll that saw its offset
// committed by the kernel's group. Offsets tie the two together, so no message needs to be read back.
import type { Offsets } from './topics.js';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

/** Nearest-rank percentiles of a non-empty list. */
export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return { p50: rank(0.5), p95: rank(0.95), p99: rank(0.99) };
}

interface Mark {
  at: number;
  end: Record<number, number>;
}

export class CommitDelays {
  /** Each acknowledged produce batch: when it was sent and the end offsets once it was written. */
  private readonly batches: Mark[] = [];
  /** Per partition, the committed offset each poll saw, in poll order. */
  private readonly commits: { at: number; committed: Record<number, number> }[] = [];

  constructor(private readonly start: Record<number, number>) {}

  produced(sentAt: number, end: Record<number, number>): void {
    this.batches.push({ at: sentAt, end });
  }

  polled(offsets: Offsets, at = Date.now()): void {
    this.commits.push({ at, committed: offsets.committed });
  }

  /** Seconds from produce to commit of every message whose commit was seen; empty when none was. */
  delaysSeconds(): number[] {
    const delays: number[] = [];
    let before = this.start;
    for (const batch of this.batches) {
      for (const [key, end] of Object.entries(batch.end)) {
        const partition = Number(key);
        for (let offset = before[partition] ?? 0; offset < end; offset++) {
          const seen = this.commits.find((poll) => (poll.committed[partition] ?? -1) > offset);
          if (seen) delays.push(Math.max(0, seen.at - batch.at) / 1000);
        }
      }
      before = batch.end;
    }
    return delays;
  }
}
