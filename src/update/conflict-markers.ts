// Finds files still holding git-style conflict blocks, as a conflicted update (or a user's own merge) leaves them.
import type { DiskFile } from './disk-files.js';
import { readText } from './text-or-binary.js';

// A block needs both ends at the start of a line; one such line alone can be ordinary text.
const OPENING = /^<{7} /m;
const CLOSING = /^>{7} /m;

export function hasConflictMarkers(text: string): boolean {
  return OPENING.test(text) && CLOSING.test(text);
}

export function filesWithConflictMarkers(disk: Map<string, DiskFile>): string[] {
  // A file that is not UTF-8 was never merged, so any marker-like bytes in it are not update's.
  return [...disk]
    .filter(([, file]) => hasConflictMarkers(readText(file.bytes)?.raw ?? ''))
    .map(([path]) => path)
    .sort();
}
