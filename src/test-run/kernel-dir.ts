// What test-run needs to know about a kernel directory: its kind, topic and group, from the recorded answers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { defaultGroupFor } from '../facts.js';
import { kernelDirectory } from '../render/find-kernel.js';
import { findKind, type Kind } from '../kinds.js';
import { MANIFEST_PATH, readManifest } from '../render/manifest.js';

export interface KernelDir {
  dir: string;
  name: string;
  kind: Kind;
  topic: string;
  group: string;
  /** The kernel's schema file (relative), when its messages are typed. */
  schema?: string;
}

export function readKernelDir(directory: string | undefined): KernelDir {
  const dir = kernelDirectory(directory);
  const manifest = existsSync(join(dir, 'main.py')) ? readManifest(dir) : undefined;
  if (manifest === undefined) {
    throw new UsageError(
      `${dir} is not a kernel directory (no main.py and ${MANIFEST_PATH}); pass the directory create made.`,
    );
  }
  if (typeof manifest === 'string')
    throw new UsageError(`Cannot read the kernel's manifest: ${manifest}; restore it from git.`);
  const { answers } = manifest;
  const kind = findKind(answers.kind ?? '');
  if (!kind || !answers.name || !answers.topic)
    throw new UsageError(`${join(dir, MANIFEST_PATH)} does not record the kernel's name, kind and topic.`);
  const group = answers.group ?? defaultGroupFor(answers.name);
  return {
    dir,
    name: answers.name,
    kind,
    topic: answers.topic,
    group,
    ...(answers.schema ? { schema: answers.schema } : {}),
  };
}
