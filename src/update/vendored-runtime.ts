// Kernels made by 0.2.0 and earlier carried the runtime; from 0.3.0 they depend on clustera-kernel-runtime instead.
import { readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { FailureError } from '../errors.js';
import type { Manifest } from '../render/manifest.js';

/** The import name, which the installed package and a vendored folder share: a folder left here shadows the package. */
export const RUNTIME_FOLDER = 'kernel_runtime';

// What 0.2.0 rendered of the runtime: the package, its tests and fakes, and the database kind's connection module.
const VENDORED_PREFIXES = [`${RUNTIME_FOLDER}/`, 'tests/runtime/'];
const VENDORED_FILES = new Set(['tests/fakes.py', 'cursors.py', 'tests/test_cursors.py']);

export function isVendoredRuntime(path: string): boolean {
  return VENDORED_FILES.has(path) || VENDORED_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/** The kernel's manifest lists runtime files: it was made before the runtime became a package. */
export function carriesVendoredRuntime(manifest: Manifest): boolean {
  return Object.keys(manifest.files).some(isVendoredRuntime);
}

/** Every file under kernel_runtime/ on disk (compiled caches aside), as kernel paths. */
export function filesInRuntimeFolder(dir: string, prefix = RUNTIME_FOLDER): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(join(dir, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.name !== '__pycache__' && !entry.name.endsWith('.pyc'))
    .flatMap((entry) => {
      const path = posix.join(prefix, entry.name);
      return entry.isDirectory() ? filesInRuntimeFolder(dir, path) : [path];
    })
    .sort();
}

export interface RuntimeEdits {
  /** Vendored runtime files the owner changed since they were rendered. */
  edited: string[];
  /** Files under kernel_runtime/ the manifest does not list: the owner's own. */
  added: string[];
}

/**
 * The migration removes the vendored runtime only where it is exactly as rendered: an edit in it, or a file of the
 * owner's under kernel_runtime/, would be lost or would shadow the package, so that kernel's update stops first.
 */
export function refuseRuntimeEdits(dir: string, manifest: Manifest, keptPaths: string[]): void {
  const edits: RuntimeEdits = {
    edited: keptPaths.filter(isVendoredRuntime).sort(),
    added: filesInRuntimeFolder(dir).filter((path) => manifest.files[path] === undefined),
  };
  if (edits.edited.length === 0 && edits.added.length === 0) return;
  throw new FailureError(formatRuntimeEdits(edits));
}

export function formatRuntimeEdits(edits: RuntimeEdits): string {
  const named = [
    ...(edits.edited.length > 0 ? [`edited: ${edits.edited.join(', ')}`] : []),
    ...(edits.added.length > 0 ? [`not made by create-clustera-kernel: ${edits.added.join(', ')}`] : []),
  ].join('; ');
  return `The runtime now comes from the clustera-kernel-runtime package, but this kernel changed its copy (${named}); nothing was written. Move your own code out of ${RUNTIME_FOLDER}/ into a module beside main.py (a ${RUNTIME_FOLDER}/ folder would shadow the package), undo your edits to the runtime's files (\`git checkout\` them, or open an issue for what the runtime lacks), then run update again.`;
}
