// Property: whatever the user and the template change, the merge never silently drops a user's line.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeThreeWay, mergeTwoWay } from '../../src/update/merge.js';

const RUNS = 2_000;

type Edit = { op: 'insert' | 'delete' | 'change'; at: number; filler: boolean };

const editArb = fc.record({
  op: fc.constantFrom('insert', 'delete', 'change'),
  at: fc.nat(),
  filler: fc.boolean(),
}) as fc.Arbitrary<Edit>;

/** Base lines are unique tags (b0, b1…) plus repeated filler lines that make alignment ambiguous, as real code does. */
const baseArb = fc
  .array(
    fc.oneof(
      { arbitrary: fc.constant('tag'), weight: 3 },
      { arbitrary: fc.constantFrom('', '    pass', '}'), weight: 1 },
    ),
    { maxLength: 25 },
  )
  .map((kinds) => kinds.map((kind, i) => (kind === 'tag' ? `b${i}` : kind)));

/** Applies edits, tagging every new line with the editor's prefix; returns the lines and the base tags it removed. */
function applyEdits(base: string[], edits: Edit[], prefix: string): { lines: string[]; touched: Set<string> } {
  const lines = [...base];
  const touched = new Set<string>();
  edits.forEach((edit, n) => {
    const added = edit.filler ? '    pass' : `${prefix}${n}`;
    if (edit.op === 'insert') {
      lines.splice(edit.at % (lines.length + 1), 0, added);
      return;
    }
    if (lines.length === 0) return;
    const at = edit.at % lines.length;
    touched.add(lines[at]!);
    if (edit.op === 'delete') lines.splice(at, 1);
    else lines[at] = added;
  });
  return { lines, touched };
}

const text = (lines: string[], finalNewline: boolean) =>
  lines.length === 0 ? '' : lines.join('\n') + (finalNewline ? '\n' : '');
const count = (haystack: string[], line: string) => haystack.filter((l) => l === line).length;

describe('merge never loses a user line', () => {
  it(`three-way: user-added lines and lines neither side touched survive (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        baseArb,
        fc.array(editArb, { maxLength: 8 }),
        fc.array(editArb, { maxLength: 8 }),
        fc.boolean(),
        (base, userEdits, templateEdits, finalNewline) => {
          const ours = applyEdits(base, userEdits, 'u');
          const theirs = applyEdits(base, templateEdits, 't');
          const result = mergeThreeWay(
            text(base, finalNewline),
            text(ours.lines, finalNewline),
            text(theirs.lines, finalNewline),
          );
          const merged = result.text.split('\n');
          for (const line of ours.lines.filter((l) => l.startsWith('u'))) expect(merged).toContain(line);
          // A tagged base line still in the user's file and never touched by the template must still be there.
          for (const line of ours.lines.filter((l) => /^b\d+$/.test(l) && !theirs.touched.has(l)))
            expect(count(merged, line)).toBeGreaterThanOrEqual(1);
          if (result.conflicts === 0) expect(result.text).not.toContain('<<<<<<<');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`two-way: every line of the user's file is kept, merged or inside a conflict (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(
        baseArb,
        fc.array(editArb, { maxLength: 8 }),
        fc.array(editArb, { maxLength: 8 }),
        (base, userEdits, templateEdits) => {
          const ours = applyEdits(base, userEdits, 'u').lines;
          const theirs = applyEdits(base, templateEdits, 't').lines;
          const merged = mergeTwoWay(text(ours, true), text(theirs, true)).text.split('\n');
          for (const line of new Set(ours)) expect(count(merged, line)).toBeGreaterThanOrEqual(count(ours, line));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
