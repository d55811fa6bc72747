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
const onDisk = (contents: string | Buffer, executable = false): DiskFile => ({
  bytes: Buffer.from(contents),
  executable,
});
const disk = new Map<string, DiskFile>([
  ['same', onDisk('a\n')],
  ['untouched', onDisk('old\n')],
  ['edited', onDisk('A by user\nb\nc\n')],
  ['dropped', onDisk('d\n')],
  ['droppedEdited', onDisk('e\nmine\n')],
  ['exec', onDisk('run\n')],
  ['mine-before-template', onDisk('user\n')],
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

describe('update rules for line endings and bytes that are not UTF-8', () => {
  const crlf = (text: string) => text.replaceAll('\n', '\r\n');
  const oldRender = 'a\nb\nc\n';
  const decide = (mine: DiskFile, newRender: string, base = new Map([['f', oldRender]])) =>
    decideFiles(
      { recorded: { f: hashContents(oldRender) }, rendered: [file('f', newRender)], disk: new Map([['f', mine]]) },
      base,
    )[0]!;

  it('counts a file that differs from the old render only in line endings as untouched, and updates it in CRLF', () => {
    expect(decide(onDisk(crlf(oldRender)), 'a\nb\nC\n')).toMatchObject({
      outcome: 'updated',
      after: 'a\r\nb\r\nC\r\n',
    });
  });

  it('leaves a CRLF file whose template did not change byte-identical', () => {
    const mine = onDisk(crlf(oldRender));
    const decision = decide(mine, oldRender);
    expect(decision).toMatchObject({ outcome: 'unchanged', after: crlf(oldRender) });
    expect(changesDisk(decision, new Map([['f', mine]]))).toBe(false);
  });

  it('merges an edited CRLF file on its lines, not its line endings, and writes the result in CRLF', () => {
    expect(decide(onDisk('A\r\nb\r\nc\r\n'), 'a\nb\nC\n')).toMatchObject({
      outcome: 'merged',
      after: 'A\r\nb\r\nC\r\n',
    });
  });

  it('writes a file of mixed endings in the style most of its lines use (LF on a tie)', () => {
    expect(decide(onDisk('A\r\nb\r\nc\n'), 'a\nb\nC\n')).toMatchObject({ outcome: 'merged', after: 'A\r\nb\r\nC\r\n' });
    expect(decide(onDisk('A\r\nb\nc\n'), 'a\nb\nC\n')).toMatchObject({ outcome: 'merged', after: 'A\nb\nC\n' });
    expect(decide(onDisk('A\r\nb\n'), 'a\nb\nC\n', new Map())).toMatchObject({
      after: expect.not.stringContaining('\r'),
    });
  });

  it('never decodes a file that is not UTF-8: its bytes stay, the new render goes beside it', () => {
    const bytes = Buffer.from('a\nb \xe9\nc\n', 'latin1');
    const decision = decide(onDisk(bytes), 'a\nb\nC\n');
    expect(decision).toMatchObject({
      outcome: 'not-utf8',
      newTemplate: { path: 'f.template-new', contents: 'a\nb\nC\n' },
    });
    expect(decision.after).toBe(decision.before);
    expect(changesDisk(decision, new Map([['f', onDisk(bytes)]]))).toBe(false);
  });

  it('puts nothing beside a file that is not UTF-8 when its template did not change', () => {
    const decision = decide(onDisk(Buffer.from([0xff, 0x0a])), oldRender);
    expect(decision).toMatchObject({ outcome: 'unchanged' });
    expect(decision.newTemplate).toBeUndefined();
  });

  it('keeps a file that is not UTF-8 when the template drops it', () => {
    const decision = decideFiles(
      {
        recorded: { f: hashContents(oldRender) },
        rendered: [],
        disk: new Map([['f', onDisk(Buffer.from([0xc3, 0x28]))]]),
      },
      new Map(),
    )[0]!;
    expect(decision.outcome).toBe('kept');
  });
});
