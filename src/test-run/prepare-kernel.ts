// Step 4 of a test-run: the kernel installed (or brought up to its pyproject.toml) and, with a schema, its samples
// checked by its own model before the kernel starts or anything is produced.
import { uvEnv, ensureInstalled } from './kernel-process.js';
import type { RunContext } from './run-plan.js';
import { SAMPLE_MESSAGES_FILE } from './sample-messages.js';
import { schemaValues, type SchemaValues } from './schema-values.js';

/** The checked values to produce for a kernel with a schema; undefined without one. */
export async function prepareKernel({
  kernel,
  options,
  progress,
  result,
}: RunContext): Promise<SchemaValues | undefined> {
  const install = await ensureInstalled(kernel.dir, (message) => progress.step(message));
  result.environment = typeof install === 'object' ? 'existing' : install === 'installed' ? 'installed' : 'synced';
  if (typeof install === 'object')
    progress.step(`uv sync failed (${install.kept}); running the kernel in its existing environment`);
  if (!kernel.schema) return undefined;
  progress.step(`Checking the samples against ${kernel.schema}`);
  const typed = await schemaValues(kernel.dir, options.invalid, uvEnv());
  result.samplesFrom = `${SAMPLE_MESSAGES_FILE}, checked against ${kernel.schema}`;
  return typed;
}
