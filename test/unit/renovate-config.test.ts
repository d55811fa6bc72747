// A kernel's renovate.json finds the generator release in the manifest the kernel really has, as Renovate's regex
// manager would (its matchStrings are JavaScript regular expressions with named groups), and updates through `update`;
// its pep621 manager bumps the runtime requirement of pyproject.toml alone, and `uv lock` follows.
import { describe, expect, it } from 'vitest';
import { KINDS, type KindName } from '../../src/kinds.js';
import { MANIFEST_PATH, withManifest } from '../../src/render/manifest.js';
import { renderPlan } from '../../src/render/plan.js';
import { RUNTIME_DISTRIBUTION, runtimeRange } from '../../src/render/runtime-dependency.js';

interface RenovateConfig {
  customManagers: {
    customType: string;
    managerFilePatterns: string[];
    matchStrings: string[];
    datasourceTemplate: string;
  }[];
  packageRules: {
    matchManagers?: string[];
    matchDepNames: string[];
    enabled?: boolean;
    groupName?: string;
    rangeStrategy?: string;
    postUpgradeTasks?: { commands: string[]; executionMode: string };
  }[];
}

function rendered(kind: KindName, version: string): Map<string, string> {
  const plan = withManifest(renderPlan({ name: 'x-k', topic: 'the-topic', kind, group: 'the-group' }, version));
  return new Map(plan.files.map((file) => [file.path, file.contents]));
}

/** managerFilePatterns entries are regular expressions written between slashes. */
function filePattern(pattern: string): RegExp {
  const body = /^\/(.*)\/$/.exec(pattern)?.[1];
  if (body === undefined) throw new Error(`not a /regex/ file pattern: ${pattern}`);
  return new RegExp(body);
}

describe.each(KINDS.map((k) => k.name))('%s kernel renovate.json', (kind) => {
  const files = rendered(kind, '1.2.3');
  const config = JSON.parse(files.get('renovate.json') ?? '{}') as RenovateConfig;
  const [manager] = config.customManagers;

  it('reads the generator release from the manifest as the npm package create-clustera-kernel', () => {
    expect(manager?.customType).toBe('regex');
    expect(manager?.datasourceTemplate).toBe('npm');
    expect(manager!.managerFilePatterns.some((pattern) => filePattern(pattern).test(MANIFEST_PATH))).toBe(true);
    const found = manager!.matchStrings.map((source) => new RegExp(source).exec(files.get(MANIFEST_PATH)!)?.groups);
    expect(found).toContainEqual(expect.objectContaining({ depName: 'create-clustera-kernel', currentValue: '1.2.3' }));
  });

  const rulesFor = (manager: string, depName: string) =>
    config.packageRules.filter(
      (rule) =>
        (rule.matchManagers === undefined || rule.matchManagers.includes(manager)) &&
        rule.matchDepNames.some((name) => (name.startsWith('!') ? name.slice(1) !== depName : name === depName)),
    );
  // Renovate merges every matching rule, later ones over earlier ones.
  const settingsFor = (manager: string, depName: string) => Object.assign({}, ...rulesFor(manager, depName));

  it('runs update at the new release with the manifest the kernel was made with', () => {
    const rule = settingsFor('custom.regex', 'create-clustera-kernel');
    expect(rule.postUpgradeTasks?.commands).toEqual([
      `git checkout -- ${MANIFEST_PATH}`,
      'npx --yes create-clustera-kernel@{{{newVersion}}} update',
    ]);
  });

  it("reads only the runtime from pyproject.toml, the kernel's own requirement, and refreshes uv.lock after a bump", () => {
    for (const other of ['pytest', 'ruff', 'psycopg', 'python'])
      expect(settingsFor('pep621', other).enabled, other).toBe(false);
    const runtime = settingsFor('pep621', RUNTIME_DISTRIBUTION);
    expect(runtime.enabled).not.toBe(false);
    // A fix within the kernel's line moves only uv.lock; a new line replaces the range.
    expect(runtime.rangeStrategy).toBe('update-lockfile');
    expect(runtime.postUpgradeTasks?.commands).toEqual([`uv lock --upgrade-package ${RUNTIME_DISTRIBUTION}`]);
    // pep621 finds the requirement by its name, whatever extras the kind adds.
    const dependencies = /^dependencies = \[\n\s+"([^"]+)"/m.exec(files.get('pyproject.toml') ?? '')?.[1];
    expect(dependencies?.replace(/\[[a-z,]+\]/, '')).toBe(`${RUNTIME_DISTRIBUTION}${runtimeRange()}`);
  });

  it('brings the generator and the runtime in one pull request, each running its own commands', () => {
    const generator = settingsFor('custom.regex', 'create-clustera-kernel');
    const runtime = settingsFor('pep621', RUNTIME_DISTRIBUTION);
    expect(generator.groupName).toBeDefined();
    expect(runtime.groupName).toBe(generator.groupName);
    // In a group, "branch" would run only the first upgrade's commands (the runtime's, sorted by name).
    expect(generator.postUpgradeTasks?.executionMode).toBe('update');
    expect(runtime.postUpgradeTasks?.executionMode).toBe('update');
  });
});
