// A file update will not merge gets its new render beside it; a different file already at that path is never overwritten.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { FileDecision } from './decide-files.js';
import { readDiskFiles } from './disk-files.js';
import type { FileChange } from './update-transaction.js';

export function beside(decisions: FileDecision[]): FileChange[] {
  return decisions.flatMap((d) =>
    d.newTemplate ? [{ path: d.newTemplate.path, contents: d.newTemplate.contents, executable: false }] : [],
  );
}

/** The new templates still to write; refuses when one of their paths already holds something else. */
export function refuseOccupiedNewTemplates(kernelDir: string, changes: FileChange[]): FileChange[] {
  const disk = readDiskFiles(
    kernelDir,
    changes.map((c) => c.path),
  );
  const occupied = changes.find(
    (c) => existsSync(join(kernelDir, c.path)) && !disk.get(c.path)?.bytes.equals(Buffer.from(c.contents ?? '')),
  );
  if (occupied)
    throw new UsageError(`${occupied.path} already exists; move it away so update can put the new template there.`);
  // One left by an earlier run with the same contents needs no write.
  return changes.filter((c) => !disk.has(c.path));
}
