// What --dry-run shows: one unified diff per file, as `git diff` would print it.
import { createTwoFilesPatch } from 'diff';

/** undefined stands for "no such file" (an added or a removed file). */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined): string {
  const from = before === undefined ? '/dev/null' : `a/${path}`;
  const to = after === undefined ? '/dev/null' : `b/${path}`;
  const patch = createTwoFilesPatch(from, to, before ?? '', after ?? '', undefined, undefined, { context: 3 });
  // Drop the "====" banner jsdiff puts first; keep the ---/+++ headers and hunks.
  return patch.replace(/^=+\n/, '').replace(/^Index:.*\n/, '');
}
