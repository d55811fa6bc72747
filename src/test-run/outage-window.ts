// --outage: the kind's stand-in taken down once the kernel is ready, and what the kernel's circuit must have done.
import type { KernelUnderTest } from './launch-kernel.js';
import type { KindServices } from './kind-services.js';
import type { RunContext } from './run-plan.js';
import type { Check, TestRunResult } from './summary.js';

/**
 * Starts the outage once the kernel is ready, so it meets the messages rather than the kernel's start-up; `over`
 * settles once the stand-in is back (wrapped, or awaiting this would wait for it). Undefined without --outage.
 */
export async function beginOutage(
  { options, progress, result }: RunContext,
  services: KindServices,
  kernel: KernelUnderTest,
): Promise<{ over: Promise<void> } | undefined> {
  if (options.outageS === undefined || services.beginOutage === undefined) return undefined;
  const outageS = options.outageS;
  progress.step(`Taking the stand-in dependency down for ${outageS} s`);
  const outageStarted = Date.now();
  const { back } = await services.beginOutage(outageS * 1000);
  const outage: NonNullable<TestRunResult['outage']> = {
    seconds: outageS,
    backAfterS: null,
    circuit: kernel.circuit.seen,
  };
  result.outage = outage;
  const over = back.then(() => {
    outage.backAfterS = (Date.now() - outageStarted) / 1000;
    progress.step(`The stand-in dependency is back after ${outage.backAfterS.toFixed(1)} s`);
  });
  // A failed run must not leave an unhandled rejection behind; the checks report the outcome.
  over.catch(() => undefined);
  return { over };
}

/** The circuit opened during the stand-in's outage, closed once it was back, and no message was dead-lettered. */
export function outageChecks(outage: NonNullable<TestRunResult['outage']>, deadLettered: number): Check[] {
  const { circuit } = outage;
  return [
    {
      name: 'circuit opened during the outage',
      ok: circuit.opened >= 1,
      detail: circuit.openedLine ?? 'the kernel never logged "Circuit opened"',
    },
    {
      name: 'circuit closed once the dependency was back',
      ok: circuit.closed >= 1 && circuit.closed === circuit.opened,
      detail:
        circuit.openSeconds === null
          ? 'the kernel never logged "Circuit closed"'
          : `closed after ${circuit.openSeconds} s open (${circuit.opened} opening(s), ${circuit.closed} closing(s))`,
    },
    {
      name: 'nothing dead-lettered for the outage',
      ok: deadLettered === 0,
      detail: `${deadLettered} dead-lettered`,
    },
  ];
}
