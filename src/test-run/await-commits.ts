// Step 7 of a test-run: done when the group has committed every partition to its end; the kernel's rate and latency.
import type { Admin } from 'kafkajs';
import { FailureError } from '../errors.js';
import { percentiles } from './commit-delay.js';
import { processingPercentiles, scrapeMetrics } from './kernel-metrics.js';
import type { KernelUnderTest } from './launch-kernel.js';
import type { Produced } from './produce-samples.js';
import type { RunContext } from './run-plan.js';
import { processedCount, waitForCommitted } from './topics.js';

export async function awaitCommits(
  { options, plan, result }: RunContext,
  admin: Admin,
  kernel: KernelUnderTest,
  { delays, firstSentAt }: Produced,
): Promise<void> {
  let lastPollAt = Date.now();
  const deadline = Date.now() + options.timeoutMs;
  const offsets = await waitForCommitted(admin, plan.group, plan.topic, deadline, kernel.alive, (polled) => {
    lastPollAt = Date.now();
    delays.polled(polled);
  });
  const delaySeconds = delays.delaysSeconds();
  if (delaySeconds.length > 0) result.latency.produceToCommitSeconds = percentiles(delaySeconds);
  const exposition = await scrapeMetrics(kernel.healthPort);
  if (exposition !== undefined) result.latency.processingSeconds = processingPercentiles(exposition) ?? null;
  result.messages.processed = processedCount(offsets);
  const total = Object.keys(offsets.end).reduce(
    (sum, p) => sum + (offsets.end[Number(p)] ?? 0) - (offsets.start[Number(p)] ?? 0),
    0,
  );
  if (!kernel.alive()) {
    result.kernelExitCode = await kernel.process.exited;
    throw new FailureError(
      `The kernel exited with code ${result.kernelExitCode} after committing ${result.messages.processed} of ${total} messages.`,
    );
  }
  const committedAll = result.messages.processed === total;
  if (committedAll && firstSentAt !== undefined) {
    result.kernelSeconds = Math.max(lastPollAt - firstSentAt, 1) / 1000;
    result.messagesPerSecond = result.messages.processed / result.kernelSeconds;
  }
  result.checks.push({
    name: 'committed offsets reached the end offsets',
    ok: committedAll,
    detail: `${result.messages.processed} of ${total} within ${options.timeoutMs / 1000} s`,
  });
}
