// --outage: the kind's stand-in taken down once the kernel is ready, and what the kernel's circuit must have done,
// read from the kernel's /metrics.
import { metricSeries, RUNTIME_ENV } from '../facts.js';
import { circuitSeen, formatOpenSeconds, watchCircuit } from './circuit-watch.js';
import type { KernelUnderTest } from './launch-kernel.js';
import type { KindServices } from './kind-services.js';
import type { RunContext } from './run-plan.js';
import type { Check, TestRunResult } from './summary.js';

export interface OutageWindow {
  /** Settles once the stand-in is back (wrapped, or awaiting this would wait for it). */
  over: Promise<void>;
  /** Once the stand-in is back and before the kernel stops: the circuit's last readings, into the result. */
  settle(): Promise<void>;
}

/** How long a closing may take once the stand-in is back: the kernel's longest wait between two probes. */
function probeMaxMs({ plan }: RunContext): number {
  const fallback = RUNTIME_ENV.find((variable) => variable.name === 'CIRCUIT_PROBE_MAX_MS')?.default;
  const ms = Number(plan.lookup('CIRCUIT_PROBE_MAX_MS') || fallback);
  return Number.isFinite(ms) && ms > 0 ? ms : 30_000;
}

/**
 * Starts the outage once the kernel is ready, so it meets the messages rather than the kernel's start-up. Undefined
 * without --outage.
 */
export async function beginOutage(
  run: RunContext,
  services: KindServices,
  kernel: KernelUnderTest,
): Promise<OutageWindow | undefined> {
  const { options, progress, result, cleanup } = run;
  if (options.outageS === undefined || services.beginOutage === undefined) return undefined;
  const outageS = options.outageS;
  // The first reading comes before the stand-in goes down: openings are counted from there.
  const circuit = await watchCircuit(kernel.healthPort);
  cleanup.push(async () => void (await circuit.stop()));
  progress.step(`Taking the stand-in dependency down for ${outageS} s`);
  const outageStarted = Date.now();
  const { back } = await services.beginOutage(outageS * 1000);
  const outage: NonNullable<TestRunResult['outage']> = { seconds: outageS, backAfterS: null, circuit: circuitSeen([]) };
  result.outage = outage;
  const over = back.then(() => {
    outage.backAfterS = (Date.now() - outageStarted) / 1000;
    progress.step(`The stand-in dependency is back after ${outage.backAfterS.toFixed(1)} s`);
  });
  // A failed run must not leave an unhandled rejection behind; the checks report the outcome.
  over.catch(() => undefined);
  return {
    over,
    async settle() {
      await over.catch(() => undefined);
      outage.circuit = await circuit.settle(Date.now() + probeMaxMs(run));
    },
  };
}

/** The circuit opened during the stand-in's outage, closed once it was back, and no message was dead-lettered. */
export function outageChecks(outage: NonNullable<TestRunResult['outage']>, deadLettered: number): Check[] {
  const { circuit } = outage;
  const series = metricSeries();
  const stillOpen = circuit.opened - circuit.closed;
  return [
    {
      name: 'circuit opened during the outage',
      ok: circuit.opened >= 1,
      detail:
        circuit.opened === 0
          ? `${series.circuit_opened} did not increase during the outage`
          : `${series.circuit_opened} rose by ${circuit.opened} (${circuit.dependencies.join(', ')})`,
    },
    {
      name: 'circuit closed once the dependency was back',
      ok: circuit.opened >= 1 && stillOpen === 0,
      detail:
        circuit.opened === 0
          ? 'it never opened'
          : stillOpen > 0
            ? `${series.circuit_open} still 1 when the kernel was stopped`
            : `${series.circuit_open} back to 0 after ${formatOpenSeconds(circuit.openSeconds)} open`,
    },
    {
      name: 'nothing dead-lettered for the outage',
      ok: deadLettered === 0,
      detail: `${deadLettered} dead-lettered`,
    },
  ];
}
