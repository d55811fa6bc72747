// The kernel's files as update and check find them: bytes, never decoded here (see text-or-binary.ts).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface DiskFile {
  bytes: Buffer;
  executable: boolean;
}

export function readDiskFiles(dir: string, paths: Iterable<string>): Map<string, DiskFile> {
  const files = new Map<string, DiskFile>();
  for (const path of paths) {
    const full = join(dir, path);
    if (!existsSync(full) || !statSync(full).isFile()) continue;
    files.set(path, { bytes: readFileSync(full), executable: (statSync(full).mode & 0o111) !== 0 });
  }
  return files;
}
