// The per-file rules of update, one file per rule, computed without a disk.
import { describe, expect, it } from 'vitest';
import { hashContents } from '../../src/render/manifest.js';
import {
  changesDisk,
  decideFiles,
  pathsNeedingBase,
  type DiskFile,
  type UpdateInputs,
} from '../../src/update/decide-files.js';

const old = {
  same: 'a\n',
  untouched: 'old\n',
  edited: 'a\nb\nc\n',
  deleted: 'x\n',
  dropped: 'd\n',
  droppedEdited: 'e\n',
  exec: 'run\n',
};
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

  it.each([
    ['same', 'a file the template did not change stays as it is', { outcome: 'unchanged' }],
    ['untouched', 'a file only the template changed takes the new text', { outcome: 'updated', after: 'new\n' }],
    [
      'edited',
      'a file both changed is merged three ways',
      { outcome: 'merged', after: 'A by user\nb\nC by template\n', twoWay: false },
    ],
    ['deleted', 'a file the user deleted stays deleted', { outcome: 'left-deleted', after: undefined }],
    ['added', 'a file new in the template is added', { outcome: 'added', after: 'fresh\n' }],
    [
      'dropped',
      'a file the template dropped and the user left alone is removed',
      { outcome: 'removed', after: undefined },
    ],
    [
      'droppedEdited',
      'a file the template dropped but the user edited is kept',
      { outcome: 'kept', after: 'e\nmine\n' },
    ],
    [
      'mine-before-template',
      'a user file where the template now adds one is a conflict',
      { outcome: 'conflicted', conflicts: 1 },
    ],
  ] as const)('%s: %s', (path, _rule, expected) => {
    expect(decisions[path]).toMatchObject(expected);
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
