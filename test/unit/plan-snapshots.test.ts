// Golden renders of every kind: a template change shows up here as a reviewable diff.
// Refresh on purpose with `npm run snapshots:update`.
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../src/kinds.js';
import { renderPlan } from '../../src/render/plan.js';
import { runtimeRange } from '../../src/render/runtime-dependency.js';
import { renderGolden } from '../helpers/golden.js';

describe('rendered plan of each kind', () => {
  it.each(KINDS.map((k) => k.name))('%s matches its golden snapshot', async (kind) => {
    await expect(renderGolden(kind)).toMatchFileSnapshot(`golden/${kind}.txt`);
  });

  it.each([
    ['basic', 'schemas/order.schema.json', 'basic-json-schema'],
    ['http', 'schemas/order.avsc', 'http-avro-schema'],
  ] as const)('%s with %s matches its golden snapshot', async (kind, schema, golden) => {
    await expect(renderGolden(kind, schema)).toMatchFileSnapshot(`golden/${golden}.txt`);
  });

  it('ai with a JSON Schema and an Avro output schema matches its golden snapshot', async () => {
    const golden = renderGolden('ai', 'schemas/order.schema.json', 'schemas/verdict.avsc');
    await expect(golden).toMatchFileSnapshot('golden/ai-output-schema.txt');
  });

  it('renders the base into every kind, so a base change reaches all of them', () => {
    const pathsOf = (kind: (typeof KINDS)[number]['name']) =>
      renderPlan({ name: 'x-k', topic: 't', kind, group: 'g' }, '0').files.map((f) => f.path);
    const common = KINDS.map((k) => pathsOf(k.name)).reduce((a, b) => a.filter((path) => b.includes(path)));
    expect(common).toEqual(
      expect.arrayContaining(['main.py', 'pyproject.toml', 'Dockerfile', '.env.template', 'README.md', 'CLAUDE.md']),
    );
  });

  it('puts the chosen kind and its dependencies into the render', () => {
    for (const kind of KINDS) {
      const files = renderPlan({ name: 'x-k', topic: 'the-topic', kind: kind.name, group: 'the-group' }, '0').files;
      const pyproject = files.find((f) => f.path === 'pyproject.toml')!.contents;
      const extras = kind.runtimeExtra ? `[${kind.runtimeExtra}]` : '';
      expect(pyproject).toContain(JSON.stringify(`clustera-kernel-runtime${extras}${runtimeRange()}`));
      const envTemplate = files.find((f) => f.path === '.env.template')!.contents;
      for (const variable of kind.env) expect(envTemplate).toContain(variable.name);
      expect(files.find((f) => f.path === 'main.py')!.contents).toContain('the-topic');
    }
  });
});
