// The merges update relies on, on small files whose right answer is obvious.
import { describe, expect, it } from 'vitest';
import { mergeThreeWay, mergeTwoWay, splitLines } from '../../src/update/merge.js';
import { unifiedDiff } from '../../src/update/unified-diff.js';

const lines = (...items: string[]) => items.map((item) => `${item}\n`).join('');

describe('mergeThreeWay', () => {
  const base = lines('a', 'b', 'c', 'd', 'e', 'f');

  it('takes the template change and keeps the user edit when they touch different lines', () => {
    const ours = lines('a', 'B by user', 'c', 'd', 'e', 'f');
    const theirs = lines('a', 'b', 'c', 'd', 'e', 'F by template');
    expect(mergeThreeWay(base, ours, theirs)).toEqual({
      text: lines('a', 'B by user', 'c', 'd', 'e', 'F by template'),
      conflicts: 0,
    });
  });

  it('writes git-style markers with both sides when the same lines changed', () => {
    const ours = lines('a', 'b', 'C mine', 'd', 'e', 'f');
    const theirs = lines('a', 'b', 'C theirs', 'd', 'e', 'f');
    const result = mergeThreeWay(base, ours, theirs);
    expect(result.conflicts).toBe(1);
    expect(result.text).toBe(
      lines('a', 'b', '<<<<<<< yours', 'C mine', '=======', 'C theirs', '>>>>>>> new template', 'd', 'e', 'f'),
    );
  });

  it('does not call identical changes a conflict', () => {
    const same = lines('a', 'b', 'c', 'x', 'e', 'f');
    expect(mergeThreeWay(base, same, same)).toEqual({ text: same, conflicts: 0 });
  });

  it('keeps a missing final newline and still starts each marker on its own line', () => {
    expect(mergeThreeWay('a\nb', 'a\nb', 'a\nb\nc')).toEqual({ text: 'a\nb\nc', conflicts: 0 });
    const result = mergeThreeWay('x', 'mine', 'theirs');
    expect(result.text).toBe(lines('<<<<<<< yours', 'mine', '=======', 'theirs', '>>>>>>> new template'));
  });

  it('merges a user file against an empty old render as one conflict when they differ', () => {
    expect(mergeThreeWay('', lines('user'), lines('template')).conflicts).toBe(1);
  });
});

describe('mergeTwoWay', () => {
  it('keeps common lines and marks every differing hunk, even ones only one side has', () => {
    const result = mergeTwoWay(lines('a', 'mine', 'b', 'c'), lines('a', 'b', 'c', 'new'));
    expect(result.conflicts).toBe(2);
    expect(result.text).toBe(
      lines(
        'a',
        '<<<<<<< yours',
        'mine',
        '=======',
        '>>>>>>> new template',
        'b',
        'c',
        '<<<<<<< yours',
        '=======',
        'new',
        '>>>>>>> new template',
      ),
    );
  });
});

describe('splitLines and unifiedDiff', () => {
  it('keeps newlines on each line', () => {
    expect(splitLines('a\n\nb')).toEqual(['a\n', '\n', 'b']);
    expect(splitLines('')).toEqual([]);
  });

  it('prints git-style headers, /dev/null for an added file', () => {
    expect(unifiedDiff('main.py', 'a\n', 'b\n')).toMatch(
      /^--- a\/main\.py\n\+\+\+ b\/main\.py\n@@ -1,1 \+1,1 @@\n-a\n\+b\n$/,
    );
    expect(unifiedDiff('new.py', undefined, 'x\n')).toMatch(/^--- \/dev\/null\n\+\+\+ b\/new\.py\n/);
  });
});
