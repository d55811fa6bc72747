// Step 2 of a test-run: the kind's dependency, configured or a local stand-in (stopped at cleanup).
import { FailureError } from '../errors.js';
import { startKindServices, type KindServices } from './kind-services.js';
import type { RunContext } from './run-plan.js';

export async function startDependency({ kernel, options, plan, cleanup, result }: RunContext): Promise<KindServices> {
  const services = await startKindServices(kernel.kind.name, plan.lookup, options.local, plan.topic);
  cleanup.push(services.stop);
  result.standIns = services.standIns;
  result.effect.label = services.effectLabel;
  if (options.outageS !== undefined && services.beginOutage === undefined)
    throw new FailureError(
      kernel.kind.name === 'basic'
        ? '--outage needs a kind with a dependency (database, http or ai); the basic kind has none.'
        : `--outage takes down the local stand-in, and this run uses the ${kernel.kind.name} kind's configured dependency: add --local.`,
    );
  return services;
}
