// How a kernel depends on clustera-kernel-runtime: the requirement (version rule in runtime/README.md) and its source.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT, packageVersion } from '../paths.js';

export const RUNTIME_DISTRIBUTION = 'clustera-kernel-runtime';
/** The runtime's folder in a clone of this repository; an npm install of the CLI has none. */
export const RUNTIME_CHECKOUT = join(PACKAGE_ROOT, 'runtime');

/** `>=X.Y,<X.(Y+1)` of a release: its minor line, the range a kernel made by it supports. */
export function runtimeRange(version = packageVersion()): string {
  const [major, minor] = version.split(/[.+-]/).map(Number);
  if (!Number.isInteger(major) || !Number.isInteger(minor)) throw new Error(`not a release version: ${version}`);
  return `>=${major}.${minor},<${major}.${(minor ?? 0) + 1}`;
}

/** The PEP 508 requirement of a kernel: the runtime with the extras of its kind and features, on this release's line. */
export function runtimeRequirement(extras: readonly string[], version = packageVersion()): string {
  const wanted = [...new Set(extras)].sort();
  return `${RUNTIME_DISTRIBUTION}${wanted.length > 0 ? `[${wanted.join(',')}]` : ''}${runtimeRange(version)}`;
}

/**
 * Where uv finds the runtime when no package index is named: this checkout's folder when the CLI runs from a clone
 * (the kernel's pyproject.toml then names that path), else nothing (a released CLI's kernels take it from the index).
 */
export function localRuntimeSource(): string | undefined {
  return existsSync(join(RUNTIME_CHECKOUT, 'pyproject.toml')) ? RUNTIME_CHECKOUT : undefined;
}
