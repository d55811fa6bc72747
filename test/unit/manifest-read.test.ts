// Reading a kernel's manifest back: update trusts nothing in it that could reach outside the kernel.
import { describe, expect, it } from 'vitest';
import { compareVersions, parseManifest } from '../../src/render/manifest.js';

describe('parseManifest', () => {
  it('refuses paths that point outside the kernel, since update writes and removes them', () => {
    const manifest = (path: string) => JSON.stringify({ generator: { name: 'create-clustera-kernel', version: '0.1.0' }, answers: {}, files: { [path]: 'sha256:0' } });
    expect(parseManifest(manifest('../outside.txt'))).toMatch(/outside the kernel/);
    expect(parseManifest(manifest('/etc/passwd'))).toMatch(/outside the kernel/);
    expect(parseManifest(manifest('kernel_runtime/env.py'))).toMatchObject({ files: { 'kernel_runtime/env.py': 'sha256:0' } });
    expect(parseManifest('{')).toMatch(/not valid JSON/);
  });

  it('compares dotted versions numerically', () => {
    expect(compareVersions('0.10.0', '0.9.1')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(compareVersions('0.1.0', '0.2.0')).toBeLessThan(0);
  });
});
