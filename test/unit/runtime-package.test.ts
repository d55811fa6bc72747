// The runtime's pyproject.toml against what the CLI says of it: one version for both, the extras the kinds name.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_DEPENDENCIES, KINDS, TRACING_DEPENDENCIES } from '../../src/kinds.js';
import { packageVersion } from '../../src/paths.js';
import { RUNTIME_CHECKOUT, runtimeRange, runtimeRequirement } from '../../src/render/runtime-dependency.js';
import { SCHEMA_DEPENDENCIES } from '../../src/schema-formats.js';

const pyproject = readFileSync(join(RUNTIME_CHECKOUT, 'pyproject.toml'), 'utf8');

/** A TOML array of strings `name = [...]` (one item a line, as the file writes them), comments dropped. */
function stringArray(name: string, text = pyproject): string[] {
  // Items may hold brackets (psycopg[binary]): the array ends at a `]` closing its line, outside any string.
  const match = new RegExp(`^${name} = \\[((?:"[^"]*"|[^"\\]])*)\\]`, 'm').exec(text);
  if (!match) throw new Error(`runtime/pyproject.toml has no ${name} = [...]`);
  return [...match[1]!.replace(/#.*$/gm, '').matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
}

describe('runtime/pyproject.toml', () => {
  it('has the version of package.json (one release, one version)', () => {
    expect(/^version = "([^"]+)"$/m.exec(pyproject)?.[1]).toBe(packageVersion());
  });

  it("installs what src/kinds.ts says every kernel gets, and each kind's extra what the kind lists", () => {
    expect(stringArray('dependencies')).toEqual(BASE_DEPENDENCIES);
    for (const kind of KINDS) {
      if (kind.runtimeExtra === undefined) expect(kind.dependencies).toEqual([]);
      else expect(stringArray(kind.runtimeExtra), kind.name).toEqual(kind.dependencies);
    }
    expect(stringArray('tracing')).toEqual(TRACING_DEPENDENCIES);
    expect(stringArray('schema')).toEqual(SCHEMA_DEPENDENCIES);
  });
});

describe('the runtime requirement of a kernel', () => {
  it("pins the release's minor line", () => {
    expect(runtimeRange('0.3.0')).toBe('>=0.3,<0.4');
    expect(runtimeRange('1.12.4')).toBe('>=1.12,<1.13');
    expect(runtimeRequirement(['schema', 'http', 'http'], '0.3.1')).toBe(
      'clustera-kernel-runtime[http,schema]>=0.3,<0.4',
    );
    expect(runtimeRequirement([], '2.0.0')).toBe('clustera-kernel-runtime>=2.0,<2.1');
  });

  it('refuses a version that is not a release', () => {
    expect(() => runtimeRange('latest')).toThrow(/not a release version/);
  });
});
