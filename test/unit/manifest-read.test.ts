// Reading a kernel's manifest back: update trusts nothing in it that could reach outside the kernel.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareVersions, parseManifest, readManifest } from '../../src/render/manifest.js';

describe('parseManifest', () => {
  it('refuses paths that point outside the kernel, since update writes and removes them', () => {
    const manifest = (path: string) =>
      JSON.stringify({
        generator: { name: 'create-clustera-kernel', version: '0.1.0' },
        answers: {},
        files: { [path]: 'sha256:0' },
      });
    expect(parseManifest(manifest('../outside.txt'))).toMatch(/outside the kernel/);
    expect(parseManifest(manifest('/etc/passwd'))).toMatch(/outside the kernel/);
    expect(parseManifest(manifest('kernel_runtime/env.py'))).toMatchObject({
      files: { 'kernel_runtime/env.py': 'sha256:0' },
    });
    expect(parseManifest('{')).toMatch(/not valid JSON/);
  });

  it('compares dotted versions numerically', () => {
    expect(compareVersions('0.10.0', '0.9.1')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(compareVersions('0.1.0', '0.2.0')).toBeLessThan(0);
  });
});

describe('readManifest', () => {
  it('tells a missing manifest from a broken one, and reads a good one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cck-manifest-'));
    try {
      expect(readManifest(dir)).toBeUndefined();
      expect(readManifest(join(dir, 'no-such-dir'))).toBeUndefined();
      writeFileSync(join(dir, '.clustera-kernel.json'), '{"answers": {');
      expect(readManifest(dir)).toBe('.clustera-kernel.json is not valid JSON');
      writeFileSync(
        join(dir, '.clustera-kernel.json'),
        JSON.stringify({
          generator: { name: 'create-clustera-kernel', version: '0.1.0' },
          answers: { name: 'k1' },
          files: {},
        }),
      );
      expect(readManifest(dir)).toMatchObject({ generator: { version: '0.1.0' }, answers: { name: 'k1' } });
      mkdirSync(join(dir, 'unreadable', '.clustera-kernel.json'), { recursive: true });
      expect(readManifest(join(dir, 'unreadable'))).toMatch(/cannot be read \(EISDIR\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
