// A kernel's runtime as list and check --all read it: uv.lock's version, pyproject.toml's range, a vendored copy;
// and whether it is on the line the generator supports.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatKernelRuntime,
  lockedRuntimeVersion,
  readKernelRuntime,
  requiredRuntimeRange,
} from '../../src/fleet/kernel-runtime.js';
import { rangeWithin, versionSatisfies } from '../../src/fleet/pep440.js';
import { judgeRuntime } from '../../src/fleet/runtime-support.js';
import { makeTempDir, removeDir } from '../helpers/cli.js';

// The shape uv writes: the kernel itself is a virtual package beside the runtime and its dependencies.
const LOCK = `version = 1
revision = 3
requires-python = ">=3.11"

[[package]]
name = "certifi"
version = "2026.1.4"
source = { registry = "https://example.invalid/simple" }

[[package]]
name = "clustera-kernel-runtime"
version = "0.3.2"
source = { directory = "../runtime" }
dependencies = [
    { name = "confluent-kafka" },
]

[package.optional-dependencies]
http = [
    { name = "pyreqwest" },
]

[package.metadata]
requires-dist = [{ name = "confluent-kafka", specifier = ">=2.6" }]

[[package]]
name = "orders-sink"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "clustera-kernel-runtime", extra = ["database"] },
]
`;

const PYPROJECT = (requirement: string) => `[project]
name = "orders-sink"
version = "0.1.0"
dependencies = [
    # the runtime, on the release's line
    ${JSON.stringify(requirement)},
    "httpx>=0.27",
]

[dependency-groups]
tracing = [
    "clustera-kernel-runtime[tracing]>=0.9,<1.0",
]
`;

describe('reading the runtime from a kernel', () => {
  it("finds the runtime's [[package]] entry in uv.lock, not the kernel's own", () => {
    expect(lockedRuntimeVersion(LOCK)).toBe('0.3.2');
    expect(
      lockedRuntimeVersion(LOCK.replace('"clustera-kernel-runtime"\nversion', '"Clustera_Kernel.Runtime"\nversion')),
    ).toBe('0.3.2');
    expect(lockedRuntimeVersion('version = 1\n\n[[package]]\nname = "certifi"\nversion = "1"\n')).toBeUndefined();
  });

  it("reads the range of [project]'s requirement, extras and markers aside", () => {
    expect(requiredRuntimeRange(PYPROJECT('clustera-kernel-runtime[database,schema]>=0.3,<0.4'))).toBe('>=0.3,<0.4');
    expect(requiredRuntimeRange(PYPROJECT('clustera_kernel_runtime >= 0.3, < 0.4 ; python_version >= "3.11"'))).toBe(
      '>=0.3,<0.4',
    );
    expect(requiredRuntimeRange(PYPROJECT('clustera-kernel-runtime'))).toBe('');
    expect(requiredRuntimeRange(PYPROJECT('clustera-kernel-runtime-extra>=1'))).toBeUndefined();
  });

  describe('from the files of a kernel', () => {
    const root = makeTempDir('cck-kernel-runtime-');
    afterAll(() => removeDir(root));
    const kernel = (name: string, files: Record<string, string>) => {
      const dir = join(root, name);
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      mkdirSync(dir, { recursive: true });
      return dir;
    };

    it('takes the locked version first, then the range, then a vendored copy', () => {
      const requirement = PYPROJECT('clustera-kernel-runtime[database]>=0.3,<0.4');
      expect(readKernelRuntime(kernel('locked', { 'pyproject.toml': requirement, 'uv.lock': LOCK }))).toEqual({
        source: 'lock',
        version: '0.3.2',
        range: '>=0.3,<0.4',
      });
      expect(readKernelRuntime(kernel('unlocked', { 'pyproject.toml': requirement }))).toEqual({
        source: 'pyproject',
        version: null,
        range: '>=0.3,<0.4',
      });
      const vendored = kernel('vendored', {
        'pyproject.toml': '[project]\nname = "old"\ndependencies = [\n    "confluent-kafka>=2.6",\n]\n',
        'kernel_runtime/__init__.py': '',
        'uv.lock': 'version = 1\n',
      });
      expect(readKernelRuntime(vendored)).toEqual({ source: 'vendored', version: null, range: null });
      expect(readKernelRuntime(kernel('none', { 'pyproject.toml': '[project]\nname = "x"\n' }))).toBeNull();
      expect(readKernelRuntime(join(root, 'missing'))).toBeNull();
    });

    it('shows the version, the range, vendored or a dash', () => {
      expect(formatKernelRuntime({ source: 'lock', version: '0.3.2', range: '>=0.3,<0.4' })).toBe('0.3.2');
      expect(formatKernelRuntime({ source: 'pyproject', version: null, range: '>=0.3,<0.4' })).toBe('>=0.3,<0.4');
      expect(formatKernelRuntime({ source: 'vendored', version: null, range: null })).toBe('vendored');
      expect(formatKernelRuntime(null)).toBe('-');
    });
  });
});

describe('PEP 440 ranges', () => {
  it.each([
    ['0.3.0', '>=0.3,<0.4', true],
    ['0.3.17', '>=0.3,<0.4', true],
    ['0.4.0', '>=0.3,<0.4', false],
    ['0.4.0rc1', '>=0.3,<0.4', false],
    ['0.3.1rc1', '>=0.3,<0.4', true],
    ['0.2.9', '>=0.3,<0.4', false],
    ['0.3.1', '~=0.3.0', true],
    ['0.4.0', '~=0.3.0', false],
    ['0.3.5', '==0.3.*', true],
    ['0.3.5', '==0.3.5', true],
    ['0.3.5', '!=0.3.5', false],
    ['0.3.5+local', '>=0.3,<0.4', true],
    ['not a version', '>=0.3,<0.4', false],
  ])('%s in %s: %s', (version, range, expected) => {
    expect(versionSatisfies(version, range)).toBe(expected);
  });

  it.each([
    ['>=0.3,<0.4', true],
    ['>=0.3.1,<0.4', true],
    ['~=0.3.1', true],
    ['==0.3.*', true],
    ['==0.3.2', true],
    ['>=0.2,<0.3', false],
    ['>=0.3,<0.5', false],
    ['>=0.3', false],
    ['<0.4', false],
    ['~=0.3', false],
    ['', false],
  ])('%s within >=0.3,<0.4: %s', (range, expected) => {
    expect(rangeWithin(range, '>=0.3,<0.4')).toBe(expected);
  });
});

describe("the generator's verdict on a runtime", () => {
  it('accepts a locked version or a range on its line, and names the problem otherwise', () => {
    expect(judgeRuntime({ source: 'lock', version: '0.3.4', range: '>=0.3,<0.4' }, '0.3.0')).toEqual({
      runtime: { source: 'lock', version: '0.3.4', range: '>=0.3,<0.4' },
      supportedRange: '>=0.3,<0.4',
    });
    expect(judgeRuntime({ source: 'pyproject', version: null, range: '>=0.3,<0.4' }, '0.3.2').problem).toBeUndefined();
    expect(judgeRuntime(null, '0.3.0').problem).toBeUndefined();

    const supports = 'is outside >=0.3,<0.4, the range create-clustera-kernel 0.3.0 supports';
    const staleLock = judgeRuntime({ source: 'lock', version: '0.2.5', range: '>=0.3,<0.4' }, '0.3.0');
    expect(staleLock.problem).toBe('outside-range');
    expect(staleLock.note).toBe(`runtime 0.2.5 (uv.lock) ${supports}: run \`uv lock\` in the kernel`);
    const behind = judgeRuntime({ source: 'lock', version: '0.2.5', range: '>=0.2,<0.3' }, '0.3.0');
    expect(behind.note).toBe(`runtime 0.2.5 (uv.lock) ${supports}: run \`update\`, which also runs \`uv lock\``);
    const ahead = judgeRuntime({ source: 'pyproject', version: null, range: '>=0.4,<0.5' }, '0.3.0');
    expect(ahead.note).toBe(`runtime >=0.4,<0.5 (pyproject.toml) ${supports}: run \`update\``);
    const vendored = judgeRuntime({ source: 'vendored', version: null, range: null }, '0.3.0');
    expect(vendored.problem).toBe('vendored');
    expect(vendored.note).toContain('kernel_runtime/');
    expect(vendored.note).toContain('clustera-kernel-runtime>=0.3,<0.4');
  });
});
