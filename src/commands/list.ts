// list: every kernel under a directory, with its recorded answers, its runtime and whether it is on the current
// templates.
import { findKernels } from '../fleet/find-kernels.js';
import { fleetRoot } from '../fleet/fleet-root.js';
import { formatKernelRuntime } from '../fleet/kernel-runtime.js';
import { inspectKernel, type KernelState, type KernelSummary } from '../fleet/kernel-summary.js';
import { formatTable } from '../fleet/table.js';
import { generatorVersion } from '../paths.js';

export interface ListResult {
  ok: true;
  command: 'list';
  root: string;
  currentVersion: string;
  kernels: KernelSummary[];
}

export const STATE_LABELS: Record<KernelState, string> = {
  current: 'current',
  'update-available': 'update available',
  conflicted: 'conflict blocks',
  unreadable: 'unreadable',
};

export async function listKernels(rootArg: string | undefined): Promise<ListResult> {
  const root = await fleetRoot(rootArg);
  const kernels = (await findKernels(root)).map((dir) => inspectKernel(root, dir).summary);
  return { ok: true, command: 'list', root, currentVersion: generatorVersion(), kernels };
}

/** The problems under a table: one line for each kernel that could not be checked. */
export function formatProblems(kernels: { directory: string; problem?: string }[]): string[] {
  return kernels.filter((kernel) => kernel.problem).map((kernel) => `${kernel.directory}: ${kernel.problem}`);
}

export function formatList(result: ListResult): string {
  if (result.kernels.length === 0) return `No kernels under ${result.root}.`;
  const dash = (value: string | null) => value ?? '-';
  const table = formatTable(
    ['DIRECTORY', 'NAME', 'KIND', 'TOPIC', 'GROUP', 'OUTPUT TOPIC', 'SCHEMA', 'VERSION', 'RUNTIME', 'STATE'],
    result.kernels.map((kernel) => [
      kernel.directory,
      dash(kernel.name),
      dash(kernel.kind),
      dash(kernel.topic),
      dash(kernel.group),
      dash(kernel.outputTopic),
      dash(kernel.schema),
      dash(kernel.recordedVersion),
      formatKernelRuntime(kernel.runtime),
      STATE_LABELS[kernel.state],
    ]),
  );
  return [table, ...formatProblems(result.kernels)].join('\n');
}
