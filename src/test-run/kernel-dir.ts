// What test-run needs to know about a kernel directory: its kind, topic and group, from the recorded answers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { kernelDirectory } from '../render/find-kernel.js';
import { findKind, type Kind } from '../kinds.js';
import { MANIFEST_PATH } from '../render/manifest.js';

export interface KernelDir {
  dir: string;
  name: string;
  kind: Kind;
  topic: string;
  group: string;
}

export function readKernelDir(directory: string | undefined): KernelDir {
  const dir = kernelDirectory(directory);
  const manifestFile = join(dir, MANIFEST_PATH);
  if (!existsSync(join(dir, 'main.py')) || !existsSync(manifestFile)) {
    throw new UsageError(`${dir} is not a kernel directory (no main.py and ${MANIFEST_PATH}); pass the directory create made.`);
  }
  let answers: Record<string, string>;
  try {
    answers = (JSON.parse(readFileSync(manifestFile, 'utf8')) as { answers?: Record<string, string> }).answers ?? {};
  } catch {
    throw new UsageError(`${manifestFile} is not valid JSON; restore it from git.`);
  }
  const kind = findKind(answers.kind ?? '');
  if (!kind || !answers.name || !answers.topic) throw new UsageError(`${manifestFile} does not record the kernel's name, kind and topic.`);
  return { dir, name: answers.name, kind, topic: answers.topic, group: answers.group ?? `${answers.name}-group` };
}
