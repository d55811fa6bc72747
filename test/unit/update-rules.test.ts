// The per-file rules of update, one file per rule, computed without a disk.
import { describe, expect, it } from 'vitest';
import { hashContents } from '../../src/render/manifest.js';
import { changesDisk, decideFiles, pathsNeedingBase, type DiskFile, type UpdateInputs } from '../../src/update/decide-files.js';

const old = { same: 'a\n', untouched: 'old\n', edited: 'a\nb\nc\n', deleted: 'x\n', dropped: 'd\n', droppedEdited: 'e\n', exec: 'run\n' };
const recorded = Object.fromEntries(Object.entries(old).map(([path, text]) => [path, hashContents(text)]));
const file = (path: string, contents: string, executable = false) => ({ path, contents, executable });
const disk = new Map<string, DiskFile>([
  ['same', { contents: 'a\n', executable: false }],
  ['untouched', { contents: 'old\n', executable: false }],
  ['edited', { contents: 'A by user\nb\nc\n', executable: false }],
  ['dropped', { contents: 'd\n', executable: false }],
  ['droppedEdited', { contents: 'e\nmine\n', executable: false }],
  ['exec', { contents: 'run\n', executable: false }],
  ['mine-before-template', { contents: 'user\n', executable: false }],
]);
const inputs: UpdateInputs = {
  recorded,
  disk,
  rendered: [
    file('same', 'a\n'),
    file('untouched', 'new\n'),
    file('edited', 'a\nb\nC by template\n'),
    file('deleted', 'x2\n'),
    file('exec', 'run\n', true),
    file('added', 'fresh\n'),
    file('mine-before-template', 'template\n'),
  ],
};

describe('update rules', () => {
  const base = new Map([['edited', old.edited]]);
  const decisions = Object.fromEntries(decideFiles(inputs, base).map((d) => [d.path, d]));

  it('asks for an old render only for files both the user and the template changed', () => {
    expect(pathsNeedingBase(inputs)).toEqual(['edited']);
  });

  it('applies each rule', () => {
    expect(decisions.same!.outcome).toBe('unchanged');
    expect(decisions.untouched).toMatchObject({ outcome: 'updated', after: 'new\n' });
    expect(decisions.edited).toMatchObject({ outcome: 'merged', after: 'A by user\nb\nC by template\n', twoWay: false });
    expect(decisions.deleted).toMatchObject({ outcome: 'left-deleted', after: undefined });
    expect(decisions.added).toMatchObject({ outcome: 'added', after: 'fresh\n' });
    expect(decisions.dropped).toMatchObject({ outcome: 'removed', after: undefined });
    expect(decisions.droppedEdited).toMatchObject({ outcome: 'kept', after: 'e\nmine\n' });
    expect(decisions['mine-before-template']).toMatchObject({ outcome: 'conflicted', conflicts: 1 });
  });

  it('makes the executable bit follow the template even when the contents are the same', () => {
    expect(decisions.exec).toMatchObject({ outcome: 'unchanged', executable: true });
    expect(changesDisk(decisions.exec!, disk)).toBe(true);
    expect(changesDisk(decisions.same!, disk)).toBe(false);
    expect(changesDisk(decisions.deleted!, disk)).toBe(false);
  });

  it('falls back to a two-way merge when no old render was found', () => {
    const edited = decideFiles(inputs, new Map()).find((d) => d.path === 'edited')!;
    expect(edited).toMatchObject({ outcome: 'conflicted', twoWay: true, conflicts: 2 });
    expect(edited.after).toContain('A by user');
  });
});
