// An update killed after any step of its apply phase is rolled back to the exact files it started from.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyChanges,
  applyJournal,
  prepareChanges,
  recoverInterruptedUpdate,
  stagingDirOf,
  type FileChange,
} from '../../src/update/update-transaction.js';
import { makeTempDir, removeDir } from '../helpers/cli.js';

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = `${(statSync(path).mode & 0o777).toString(8)} ${readFileSync(path, 'utf8')}`;
    }
  };
  walk(dir);
  return out;
}

const CHANGES: FileChange[] = [
  { path: 'main.py', contents: 'merged\n', executable: false },
  { path: 'Dockerfile', contents: 'FROM new\n', executable: true },
  { path: 'pkg/deep/new.py', contents: 'added\n' },
  { path: 'gone.txt' },
  { path: '.clustera-kernel.json', contents: '{"v":2}\n' },
];

describe('update transaction', () => {
  let root: string;
  let kernel: string;
  beforeEach(() => {
    root = makeTempDir('cck-tx-');
    kernel = join(root, 'kernel');
    for (const [path, text] of Object.entries({
      'main.py': 'mine\n',
      Dockerfile: 'FROM old\n',
      'gone.txt': 'old\n',
      '.clustera-kernel.json': '{"v":1}\n',
      'keep.txt': 'keep\n',
    })) {
      mkdirSync(dirname(join(kernel, path)), { recursive: true });
      writeFileSync(join(kernel, path), text);
    }
    chmodSync(join(kernel, 'main.py'), 0o755);
  });
  afterEach(() => removeDir(root));

  it('applies every change and leaves no staging directory behind', () => {
    applyChanges(kernel, CHANGES);
    const after = snapshot(kernel);
    expect(after['main.py']).toBe('644 merged\n');
    expect(after.Dockerfile).toBe('755 FROM new\n');
    expect(after['pkg/deep/new.py']).toBe('644 added\n');
    expect(after['gone.txt']).toBeUndefined();
    expect(after['keep.txt']).toBe('644 keep\n');
    expect(existsSync(stagingDirOf(kernel))).toBe(false);
  });

  it.each([0, 1, 2, 3, 4, 5])('a run killed after %i apply steps is rolled back exactly by the next run', (steps) => {
    const before = snapshot(kernel);
    const journal = prepareChanges(kernel, CHANGES);
    applyJournal(kernel, stagingDirOf(kernel), { ...journal, entries: journal.entries.slice(0, steps) });
    if (steps > 0) expect(snapshot(kernel)).not.toEqual(before);
    expect(recoverInterruptedUpdate(kernel)).toBe(true);
    expect(snapshot(kernel)).toEqual(before);
    expect(existsSync(join(kernel, 'pkg'))).toBe(false);
    expect(existsSync(stagingDirOf(kernel))).toBe(false);
  });

  it('a recovery that is itself interrupted can be run again', () => {
    const before = snapshot(kernel);
    const journal = prepareChanges(kernel, CHANGES);
    applyJournal(kernel, stagingDirOf(kernel), journal);
    // Simulate a first recovery that restored only main.py before dying.
    renameSync(join(stagingDirOf(kernel), 'old', 'main.py'), join(kernel, 'main.py'));
    recoverInterruptedUpdate(kernel);
    expect(snapshot(kernel)).toEqual(before);
  });

  it('an error while applying rolls back at once', () => {
    const before = snapshot(kernel);
    // A directory where a file must go makes the rename fail half-way.
    const clash = [...CHANGES.slice(0, 2), { path: 'keep.txt/x', contents: 'y\n' }];
    expect(() => applyChanges(kernel, clash)).toThrow();
    expect(snapshot(kernel)).toEqual(before);
    expect(existsSync(stagingDirOf(kernel))).toBe(false);
  });
});
