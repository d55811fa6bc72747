// One kernel as list shows it: its recorded answers (schema included), its output topic, its runtime and check's
// verdict on it (a runtime outside the line this release supports needs an update too).
import { relative } from 'node:path';
import { type CheckResult, checkKernel } from '../commands/check.js';
import { errorMessage } from '../output/json-output.js';
import { readManifest } from '../render/manifest.js';
import { outputTopicOf } from './env-template.js';
import type { KernelRuntime } from './kernel-runtime.js';
import { type RuntimeSupport, runtimeSupport } from './runtime-support.js';

export type KernelState = 'current' | 'update-available' | 'conflicted' | 'unreadable';

export interface KernelSummary {
  /** Relative to the root that was searched; `.` for the root itself. */
  directory: string;
  name: string | null;
  kind: string | null;
  topic: string | null;
  group: string | null;
  /** OUTPUT_TOPIC as the kernel's committed .env.template sets it, for kinds that publish; else null. */
  outputTopic: string | null;
  /** The schema file of its messages, relative to the kernel (`schemas/order.schema.json`); null when untyped. */
  schema: string | null;
  /** The schema of what it publishes to OUTPUT_TOPIC (ai kernels with --output-schema); null when untyped. */
  outputSchema: string | null;
  recordedVersion: string | null;
  /** The clustera-kernel-runtime it runs on; null when it names none. */
  runtime: KernelRuntime | null;
  state: KernelState;
  /** Why the kernel cannot be checked, when state is unreadable. */
  problem?: string;
}

export interface InspectedKernel {
  summary: KernelSummary;
  /** check's full result, when the kernel could be checked. */
  check?: CheckResult;
  /** Whether its runtime is on the line this release supports. */
  runtime: RuntimeSupport;
}

export function stateOf(check: CheckResult, runtime?: RuntimeSupport): KernelState {
  if (check.conflicted.length > 0) return 'conflicted';
  return check.current && runtime?.problem === undefined ? 'current' : 'update-available';
}

export function inspectKernel(root: string, dir: string): InspectedKernel {
  const manifest = readManifest(dir);
  const answers = typeof manifest === 'object' ? manifest.answers : {};
  const runtime = runtimeSupport(dir);
  const summary: KernelSummary = {
    directory: relative(root, dir) || '.',
    name: answers.name ?? null,
    kind: answers.kind ?? null,
    topic: answers.topic ?? null,
    group: answers.group ?? null,
    outputTopic: outputTopicOf(dir, answers.kind),
    schema: answers.schema ?? null,
    outputSchema: answers.outputSchema ?? null,
    recordedVersion: typeof manifest === 'object' ? manifest.generator.version : null,
    runtime: runtime.runtime,
    state: 'unreadable',
  };
  try {
    const check = checkKernel(dir);
    return { summary: { ...summary, state: stateOf(check, runtime) }, check, runtime };
  } catch (error) {
    return { summary: { ...summary, problem: errorMessage(error) }, runtime };
  }
}
