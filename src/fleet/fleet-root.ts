// The directory a fleet command searches: the one given, else the repository's top, else the current directory.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { quote } from '../create/validate.js';
import { defaultFleetRoot, findKernels } from './find-kernels.js';

export async function fleetRoot(rootArg: string | undefined): Promise<string> {
  if (rootArg === undefined) return defaultFleetRoot();
  const root = resolve(rootArg);
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new UsageError(`${quote(rootArg)} is not a directory; pass the directory to search for kernels.`);
  return root;
}

/** The kernels a command over all of them works on; none is an error, as a CI job that checks nothing passes wrongly. */
export async function requireKernels(root: string): Promise<string[]> {
  const kernels = await findKernels(root);
  if (kernels.length === 0)
    throw new UsageError(
      `No kernels under ${root} (directories holding .clustera-kernel.json, outside git-ignored paths).`,
    );
  return kernels;
}
