// .clustera-kernel.json is stable: sorted keys, two-space indent, trailing newline, a hash per rendered file.
import { describe, expect, it } from 'vitest';
import { MANIFEST_PATH, hashContents, stableJson, withManifest } from '../../src/render/manifest.js';
import type { Plan } from '../../src/render/plan.js';

const plan: Plan = {
  answers: { name: 'demo-kernel', topic: 'orders', kind: 'http', group: 'demo-kernel-group' },
  generatorVersion: '1.2.3',
  files: [
    { path: 'main.py', contents: 'a\n', executable: false },
    { path: 'README.md', contents: 'b\n', executable: false },
  ],
};

describe('manifest', () => {
  it('sorts keys at every level and ends with a newline', () => {
    expect(stableJson({ b: 1, a: { d: 2, c: [{ z: 1, y: 2 }] } })).toBe(
      '{\n  "a": {\n    "c": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ],\n    "d": 2\n  },\n  "b": 1\n}\n',
    );
  });

  it('records generator, answers and a sha256 per file, and is itself part of the plan', () => {
    const full = withManifest(plan);
    const manifestFile = full.files.find((f) => f.path === MANIFEST_PATH);
    expect(manifestFile).toBeDefined();
    const manifest = JSON.parse(manifestFile!.contents);
    expect(manifest.generator).toEqual({ name: 'create-clustera-kernel', version: '1.2.3' });
    expect(manifest.answers).toEqual(plan.answers);
    expect(Object.keys(manifest.files)).toEqual(['README.md', 'main.py']);
    expect(manifest.files['main.py']).toBe(hashContents('a\n'));
    expect(hashContents('a\n')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(full.files.map((f) => f.path)).toEqual(['.clustera-kernel.json', 'README.md', 'main.py']);
  });

  it('is byte-identical for the same plan', () => {
    expect(withManifest(plan).files[0]!.contents).toBe(withManifest(plan).files[0]!.contents);
  });
});
