// What --dry-run shows: one unified diff per file, as `git diff` would print it.
import { createTwoFilesPatch } from 'diff';

/** undefined stands for "no such file" (an added or a removed file); a Buffer for bytes that are not UTF-8. */
export function unifiedDiff(
  path: string,
  before: string | Buffer | undefined,
  after: string | Buffer | undefined,
): string {
  const from = before === undefined ? '/dev/null' : `a/${path}`;
  const to = after === undefined ? '/dev/null' : `b/${path}`;
  // Like git: bytes that are not text are never decoded into a diff.
  if (Buffer.isBuffer(before) || Buffer.isBuffer(after)) return `Binary files ${from} and ${to} differ\n`;
  const patch = createTwoFilesPatch(from, to, before ?? '', after ?? '', undefined, undefined, { context: 3 });
  // Drop the "====" banner jsdiff puts first; keep the ---/+++ headers and hunks.
  return patch.replace(/^=+\n/, '').replace(/^Index:.*\n/, '');
}
