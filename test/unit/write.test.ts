// Atomic writing: a failure mid-write leaves no target and no staging directory; existing files are never replaced.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/render/plan.js';
import { assertTargetWritable } from '../../src/create/target.js';
import { writePlan, type FileWriter } from '../../src/create/write.js';
import { listTree, makeTempDir, removeDir } from '../helpers/cli.js';

const plan: Plan = {
  answers: { name: 'demo-kernel', topic: 't', kind: 'basic', group: 'g' },
  generatorVersion: '0.0.0',
  files: [
    { path: 'main.py', contents: 'print(1)\n', executable: false },
    { path: 'kernel_runtime/loop.py', contents: 'x = 1\n', executable: false },
    { path: 'scripts/run.sh', contents: '#!/bin/sh\n', executable: true },
  ],
};

describe('writePlan', () => {
  let parent: string;
  beforeEach(() => {
    parent = makeTempDir('cck-write-');
  });
  afterEach(() => removeDir(parent));

  it('writes every file with its mode into a new directory', () => {
    const target = join(parent, 'k');
    writePlan(plan, target, assertTargetWritable(plan, target, false));
    expect(listTree(target)).toEqual(['kernel_runtime/loop.py', 'main.py', 'scripts/run.sh']);
    expect(readFileSync(join(target, 'main.py'), 'utf8')).toBe('print(1)\n');
    expect(readdirSync(parent)).toEqual(['k']);
  });

  it('leaves nothing behind when a write fails half way', () => {
    const target = join(parent, 'k');
    let written = 0;
    const failingWriter: FileWriter = (path, contents) => {
      if (written === 2) throw new Error('disk full');
      written += 1;
      writeFileSync(path, contents);
    };
    expect(() => writePlan(plan, target, 'missing', failingWriter)).toThrow('disk full');
    expect(written).toBe(2);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('fills an existing empty directory in place, keeping the directory itself', () => {
    const target = join(parent, 'k');
    mkdirSync(target);
    const inode = statSync(target).ino;
    writePlan(plan, target, assertTargetWritable(plan, target, false));
    expect(listTree(target)).toHaveLength(3);
    expect(statSync(target).ino).toBe(inode);
    expect(readdirSync(parent)).toEqual(['k']);
  });

  it("gives a new kernel directory the permissions of the umask, not a temporary directory's 0700", () => {
    const target = join(parent, 'k');
    writePlan(plan, target, 'missing');
    expect(statSync(target).mode & 0o777).toBe(0o777 & ~process.umask());
  });

  it('refuses a non-empty directory without force, and names clashing files with force', () => {
    const target = join(parent, 'k');
    mkdirSync(target);
    writeFileSync(join(target, 'main.py'), 'mine\n');
    expect(() => assertTargetWritable(plan, target, false)).toThrow(/is not empty/);
    expect(() => assertTargetWritable(plan, target, true)).toThrow(/main\.py/);
    expect(readFileSync(join(target, 'main.py'), 'utf8')).toBe('mine\n');
  });

  it('adds files beside unrelated ones with force', () => {
    const target = join(parent, 'k');
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'keep\n');
    writePlan(plan, target, assertTargetWritable(plan, target, true));
    expect(listTree(target)).toEqual(['kernel_runtime/loop.py', 'main.py', 'notes.txt', 'scripts/run.sh']);
    expect(readdirSync(parent)).toEqual(['k']);
  });

  it('rolls back what it added when a file appears between the check and the move', () => {
    const target = join(parent, 'k');
    mkdirSync(join(target, 'scripts'), { recursive: true });
    const state = assertTargetWritable(plan, target, true);
    writeFileSync(join(target, 'scripts', 'run.sh'), 'raced\n');
    expect(() => writePlan(plan, target, state)).toThrow(/EEXIST/);
    expect(listTree(target)).toEqual(['scripts/run.sh']);
    expect(readFileSync(join(target, 'scripts', 'run.sh'), 'utf8')).toBe('raced\n');
    expect(existsSync(join(target, 'kernel_runtime'))).toBe(false);
    expect(readdirSync(parent)).toEqual(['k']);
  });
});
