// Line merges for update: three-way when the old render is known, two-way (every difference a conflict) when not.
import { diff3Merge, diffComm } from 'node-diff3';

export interface MergeResult {
  text: string;
  /** Number of conflict blocks written into text. */
  conflicts: number;
}

export const CONFLICT_LABELS = { ours: 'yours', theirs: 'new template' } as const;

/** Lines with their newline kept, so a file without a final newline merges back without one. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function terminated(lines: string[]): string[] {
  // A marker must start its own line, even after a last line that had no newline.
  return lines.map((line) => (line.endsWith('\n') ? line : `${line}\n`));
}

function conflictBlock(ours: string[], theirs: string[]): string[] {
  return [
    `<<<<<<< ${CONFLICT_LABELS.ours}\n`,
    ...terminated(ours),
    '=======\n',
    ...terminated(theirs),
    `>>>>>>> ${CONFLICT_LABELS.theirs}\n`,
  ];
}

/** base = the old render, ours = the user's file, theirs = the new render. */
export function mergeThreeWay(base: string, ours: string, theirs: string): MergeResult {
  const regions = diff3Merge(splitLines(ours), splitLines(base), splitLines(theirs), { excludeFalseConflicts: true });
  const out: string[] = [];
  let conflicts = 0;
  for (const region of regions) {
    if (region.ok) out.push(...region.ok);
    else if (region.conflict) {
      conflicts += 1;
      out.push(...conflictBlock(region.conflict.a, region.conflict.b));
    }
  }
  return { text: out.join(''), conflicts };
}

/** Without a trustworthy old render nothing says who changed what, so every differing hunk is the user's to decide. */
export function mergeTwoWay(ours: string, theirs: string): MergeResult {
  const out: string[] = [];
  let conflicts = 0;
  for (const chunk of diffComm(splitLines(ours), splitLines(theirs))) {
    if (chunk.common) out.push(...chunk.common);
    else {
      conflicts += 1;
      out.push(...conflictBlock(chunk.buffer1 ?? [], chunk.buffer2 ?? []));
    }
  }
  return { text: out.join(''), conflicts };
}
