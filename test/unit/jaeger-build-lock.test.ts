// One Jaeger build per machine: provision's background build and the tracing test share a lock.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { takeBuildLock } from '../infra/jaeger.js';
import { makeTempDir, removeDir } from '../helpers/cli.js';

describe('the Jaeger build lock', () => {
  let root: string;
  afterEach(() => removeDir(root));

  it('is taken when free, and then names this process', () => {
    root = makeTempDir('cck-lock-');
    const lock = join(root, 'build.lock');
    expect(takeBuildLock(root, lock)).toBe(true);
    expect(readFileSync(join(lock, 'pid'), 'utf8')).toBe(String(process.pid));
  });

  it('is not taken while a live process holds it', () => {
    root = makeTempDir('cck-lock-');
    const lock = join(root, 'build.lock');
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.ppid));
    expect(takeBuildLock(root, lock)).toBe(false);
  });

  it('is taken over from a process that is gone', () => {
    root = makeTempDir('cck-lock-');
    const lock = join(root, 'build.lock');
    mkdirSync(lock);
    // Above the kernel's pid_max: no process can have it.
    writeFileSync(join(lock, 'pid'), '4194305');
    expect(takeBuildLock(root, lock)).toBe(true);
    expect(readFileSync(join(lock, 'pid'), 'utf8')).toBe(String(process.pid));
  });
});
