// Is a kernel's runtime on the line this generator supports (`runtimeRange()` of its release)? check --all asks it for
// every kernel; check can ask it for one.
import { packageVersion } from '../paths.js';
import { RUNTIME_DISTRIBUTION, runtimeRange } from '../render/runtime-dependency.js';
import { type KernelRuntime, readKernelRuntime } from './kernel-runtime.js';
import { rangeWithin, versionSatisfies } from './pep440.js';

export interface RuntimeSupport {
  runtime: KernelRuntime | null;
  /** The range kernels of this release require: `>=0.3,<0.4`. */
  supportedRange: string;
  /** Why the kernel needs an update for its runtime; absent when it is on the supported line or names no runtime. */
  problem?: 'outside-range' | 'vendored';
  /** One sentence naming the kernel's runtime and the supported range, when there is a problem. */
  note?: string;
}

/** The verdict on a runtime already read; `version` is the generator's release. */
export function judgeRuntime(runtime: KernelRuntime | null, version = packageVersion()): RuntimeSupport {
  const supportedRange = runtimeRange(version);
  const verdict: RuntimeSupport = { runtime, supportedRange };
  if (runtime === null) return verdict;
  if (runtime.source === 'vendored')
    return {
      ...verdict,
      problem: 'vendored',
      note: `the runtime is vendored in kernel_runtime/ (0.2.0 and earlier); \`update\` moves the kernel to ${RUNTIME_DISTRIBUTION}${supportedRange}`,
    };
  const rangeSupported = runtime.range !== null && rangeWithin(runtime.range, supportedRange);
  const outside = (what: string, remedy: string): RuntimeSupport => ({
    ...verdict,
    problem: 'outside-range',
    note: `runtime ${what} is outside ${supportedRange}, the range create-clustera-kernel ${version} supports: ${remedy}`,
  });
  if (runtime.source === 'lock' && runtime.version !== null) {
    if (versionSatisfies(runtime.version, supportedRange)) return verdict;
    // pyproject.toml already asks for the supported line: only the lock is behind it.
    return outside(
      `${runtime.version} (uv.lock)`,
      rangeSupported ? 'run `uv lock` in the kernel' : 'run `update`, which also runs `uv lock`',
    );
  }
  if (rangeSupported) return verdict;
  return outside(`${runtime.range ?? '(any version)'} (pyproject.toml)`, 'run `update`');
}

/** The verdict on the kernel in `dir`. */
export function runtimeSupport(dir: string, version = packageVersion()): RuntimeSupport {
  return judgeRuntime(readKernelRuntime(dir), version);
}
