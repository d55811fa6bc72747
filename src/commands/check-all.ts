// check --all: check's verdict for every kernel under a directory, one table and the worst exit code. A kernel whose
// runtime is outside the line this release supports needs an update, like one whose templates changed.
import { EXIT } from '../errors.js';
import { fleetRoot, requireKernels } from '../fleet/fleet-root.js';
import { formatKernelRuntime, type KernelRuntime } from '../fleet/kernel-runtime.js';
import { inspectKernel, type KernelState } from '../fleet/kernel-summary.js';
import { formatTable } from '../fleet/table.js';
import { generatorVersion } from '../paths.js';
import { runtimeRange } from '../render/runtime-dependency.js';
import type { TemplateChange } from './check.js';
import { formatProblems, STATE_LABELS } from './list.js';

export interface CheckAllEntry {
  directory: string;
  name: string | null;
  state: KernelState;
  recordedVersion: string | null;
  /** The clustera-kernel-runtime it runs on; null when it names none. */
  runtime: KernelRuntime | null;
  /** Why its runtime needs an update, naming its version and the supported range; absent when it does not. */
  runtimeNote?: string;
  /** What check alone would exit with for this kernel. */
  exitCode: number;
  files: { path: string; change: TemplateChange }[];
  conflicted: string[];
  problem?: string;
}

export interface CheckAllResult {
  ok: boolean;
  command: 'check';
  all: true;
  root: string;
  currentVersion: string;
  /** The clustera-kernel-runtime range kernels of this release require. */
  supportedRuntime: string;
  exitCode: number;
  kernels: CheckAllEntry[];
}

// As check promises for one kernel: 2 when it cannot be checked, 1 when it needs an update or has conflict blocks.
const EXIT_CODES: Record<KernelState, number> = {
  current: EXIT.ok,
  'update-available': EXIT.failure,
  conflicted: EXIT.failure,
  unreadable: EXIT.usage,
};

export async function checkAllKernels(rootArg: string | undefined): Promise<CheckAllResult> {
  const root = await fleetRoot(rootArg);
  const kernels = (await requireKernels(root)).map((dir): CheckAllEntry => {
    const { summary, check, runtime } = inspectKernel(root, dir);
    return {
      directory: summary.directory,
      name: summary.name,
      state: summary.state,
      recordedVersion: summary.recordedVersion,
      runtime: summary.runtime,
      ...(runtime.note === undefined ? {} : { runtimeNote: runtime.note }),
      exitCode: EXIT_CODES[summary.state],
      files: check?.files ?? [],
      conflicted: check?.conflicted ?? [],
      ...(summary.problem === undefined ? {} : { problem: summary.problem }),
    };
  });
  const exitCode = Math.max(...kernels.map((kernel) => kernel.exitCode));
  return {
    ok: exitCode === EXIT.ok,
    command: 'check',
    all: true,
    root,
    currentVersion: generatorVersion(),
    supportedRuntime: runtimeRange(),
    exitCode,
    kernels,
  };
}

export function formatCheckAll(result: CheckAllResult): string {
  const table = formatTable(
    ['DIRECTORY', 'NAME', 'VERSION', 'RUNTIME', 'STATE', 'DETAIL'],
    result.kernels.map((kernel) => [
      kernel.directory,
      kernel.name ?? '-',
      kernel.recordedVersion ?? '-',
      formatKernelRuntime(kernel.runtime),
      STATE_LABELS[kernel.state],
      detail(kernel),
    ]),
  );
  const behind = result.kernels.filter((kernel) => kernel.state !== 'current');
  const verdict =
    behind.length === 0
      ? `All ${result.kernels.length} kernel(s) are on the current templates (${result.currentVersion}).`
      : `${behind.length} of ${result.kernels.length} kernel(s) need attention: ${behind.map((kernel) => kernel.directory).join(', ')}.`;
  const hints = [
    ...(result.kernels.some((kernel) => kernel.state === 'update-available')
      ? ['Run `npx create-clustera-kernel update --all` to bring the current templates into them.']
      : []),
    ...(result.kernels.some((kernel) => kernel.state === 'conflicted')
      ? ['Resolve the conflict blocks (<<<<<<< … >>>>>>>) named above, then commit.']
      : []),
  ];
  return [table, ...formatProblems(result.kernels), verdict, ...hints].join('\n');
}

function detail(kernel: CheckAllEntry): string {
  if (kernel.state === 'conflicted') return `conflict blocks in ${kernel.conflicted.join(', ')}`;
  if (kernel.state !== 'update-available') return '';
  const files = kernel.files.length > 0 ? [`${kernel.files.length} file(s) would change`] : [];
  return [...files, ...(kernel.runtimeNote ? [kernel.runtimeNote] : [])].join('; ');
}
