// Finds files still holding git-style conflict blocks, as a conflicted update (or a user's own merge) leaves them.
import type { DiskFile } from './decide-files.js';

// A block needs both ends at the start of a line; one such line alone can be ordinary text.
const OPENING = /^<{7} /m;
const CLOSING = /^>{7} /m;

export function hasConflictMarkers(text: string): boolean {
  return OPENING.test(text) && CLOSING.test(text);
}

export function filesWithConflictMarkers(disk: Map<string, DiskFile>): string[] {
  return [...disk]
    .filter(([, file]) => hasConflictMarkers(file.contents))
    .map(([path]) => path)
    .sort();
}
