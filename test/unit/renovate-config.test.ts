// A kernel's renovate.json finds the generator release in the manifest the kernel really has, as Renovate's regex
// manager would (its matchStrings are JavaScript regular expressions with named groups), and updates through `update`.
import { describe, expect, it } from 'vitest';
import { KINDS, type KindName } from '../../src/kinds.js';
import { MANIFEST_PATH, withManifest } from '../../src/render/manifest.js';
import { renderPlan } from '../../src/render/plan.js';

interface RenovateConfig {
  customManagers: {
    customType: string;
    managerFilePatterns: string[];
    matchStrings: string[];
    datasourceTemplate: string;
  }[];
  packageRules: { matchDepNames: string[]; postUpgradeTasks: { commands: string[] } }[];
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

  it('runs update at the new release with the manifest the kernel was made with', () => {
    const rule = config.packageRules.find((r) => r.matchDepNames.includes('create-clustera-kernel'));
    expect(rule?.postUpgradeTasks.commands).toEqual([
      `git checkout -- ${MANIFEST_PATH}`,
      'npx --yes create-clustera-kernel@{{{newVersion}}} update',
    ]);
  });
});
