// update writes only inside the kernel: every path it reads or writes must resolve there, symbolic links followed.
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { UsageError } from '../errors.js';

function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Why path (relative to the kernel) would lead update out of it, or undefined when every existing step stays inside. */
function wayOut(kernelDir: string, realKernel: string, path: string): string | undefined {
  const parts = path.split('/');
  for (let depth = 1; depth <= parts.length; depth += 1) {
    const prefix = parts.slice(0, depth).join('/');
    const full = join(kernelDir, prefix);
    let isLink: boolean;
    try {
      isLink = lstatSync(full).isSymbolicLink();
    } catch {
      // Nothing there yet: update would create it inside the last step, which was inside.
      return undefined;
    }
    let real: string;
    try {
      real = realpathSync(full);
    } catch {
      // A link to nothing: where a write through it lands cannot be known beforehand.
      return isLink
        ? `${prefix} is a symbolic link to ${readlinkSync(full)}, which does not exist`
        : `${prefix} cannot be resolved`;
    }
    if (!isWithin(realKernel, real)) return `${prefix} is a symbolic link to ${real}, outside the kernel`;
  }
  return undefined;
}

/** Refuses, before anything is read or written, any path that a symbolic link takes outside the kernel. */
export function refusePathsOutsideKernel(kernelDir: string, paths: Iterable<string>): void {
  const realKernel = realpathSync(kernelDir);
  for (const path of [...paths].sort()) {
    const way = wayOut(kernelDir, realKernel, path);
    if (way)
      throw new UsageError(
        `${way}; update writes only inside the kernel, so replace the link with what it points to, or with a link that stays inside the kernel.`,
      );
  }
}
