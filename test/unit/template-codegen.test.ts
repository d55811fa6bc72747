// The build's template compiler renders exactly what Handlebars renders with the same helpers, partials and options,
// and refuses what it does not know, as Handlebars does for an unknown helper or partial.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { RENDER_RUNTIME, TemplateCompileError, compileTemplate } from '../../scripts/template-codegen.mjs';
import { templateEnvironment } from '../../src/render/handlebars-environment.js';
import { TEMPLATE_HELPERS, TEMPLATE_OPTIONS } from '../../src/render/template-language.js';
import { REPO_ROOT } from '../helpers/cli.js';

type Partials = ReadonlyMap<string, string>;

function handlebarsRender(source: string, context: object, partials: Partials = new Map()): string {
  return templateEnvironment(Handlebars.create(), partials).compile(source, TEMPLATE_OPTIONS)(context);
}

function generatedRender(source: string, partials: Partials = new Map()): (context: object) => string {
  const { code } = compileTemplate(source, partials);
  return new Function(`${RENDER_RUNTIME}\nreturn (${code});`)() as (context: object) => string;
}

/** Both renders, or both errors: a strict lookup of a missing field must fail in each. */
function outcome(render: () => string): { text: string } | { error: true } {
  try {
    return { text: render() };
  } catch {
    return { error: true };
  }
}

const TEMPLATES = [
  'plain text\nwith lines\n',
  'name = {{name}}\ntopic = {{json topic}}\n',
  '{{#if flag}}\nyes {{name}}\n{{else}}\nno\n{{/if}}\nafter\n',
  '{{#each items}}\n- {{json this}}\n{{else}}\nnone\n{{/each}}\n',
  '{{#each rows}}\n{{label}}{{#if note}} # {{note}}{{/if}}\n{{/each}}',
  '{{#if rows.length}}\nrows:\n{{#each rows}}\n  {{label}}\n{{/each}}\n{{/if}}\n',
  'nested {{deep.inner.value}} end',
  '  {{#if flag}}  indented standalone  {{/if}}  \n',
];

const PARTIALS: Partials = new Map([
  ['line', '{{name}} = {{json topic}}\n'],
  ['paragraph', 'first\n\nthird {{topic}}\n'],
  ['row', '{{label}}{{#if note}} # {{note}}{{/if}}\n'],
  ['list', '{{#each items}}\n- {{json this}}\n{{/each}}\n'],
  ['nested', 'before\n  {{> line}}\nafter\n'],
  ['unterminated', 'no newline {{name}}'],
]);

const TEMPLATES_WITH_PARTIALS = [
  '{{> line}}',
  '    {{> line}}\nafter\n',
  '\t{{> paragraph}}\n',
  'inline {{> line}} stays unindented\n',
  '{{#each rows}}\n    {{> row}}\n{{/each}}\n',
  '{{#if flag}}\n  {{> list}}\n{{else}}\n  {{> nested}}\n{{/if}}\n',
  '  {{> unterminated}}\nnext\n',
  '"""Doc.\n\n    {{> paragraph}}\n    """\n',
];

const contexts = fc.record({
  name: fc.oneof(fc.string(), fc.constant(0), fc.constant(null), fc.boolean()),
  topic: fc.string(),
  flag: fc.oneof(fc.boolean(), fc.constant(0), fc.constant(''), fc.constant([]), fc.constant([1]), fc.constant(null)),
  items: fc.oneof(
    fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean())),
    fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
  ),
  rows: fc.array(
    fc.record({ label: fc.string(), note: fc.option(fc.string(), { nil: undefined }) }, { requiredKeys: ['label'] }),
  ),
  deep: fc.oneof(fc.record({ inner: fc.record({ value: fc.string() }) }), fc.constant({ inner: {} })),
});

function expectSameRenders(source: string, partials: Partials = new Map()): void {
  const generated = generatedRender(source, partials);
  fc.assert(
    fc.property(contexts, (context) => {
      expect(outcome(() => generated(context))).toEqual(outcome(() => handlebarsRender(source, context, partials)));
    }),
    { numRuns: 200 },
  );
}

function templateSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hbs'))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'));
}

describe('template codegen', () => {
  it.each(TEMPLATES)('renders %j as Handlebars does, for any context', (source) => {
    expectSameRenders(source);
  });

  it.each(TEMPLATES_WITH_PARTIALS)('renders %j, which uses partials, as Handlebars does, for any context', (source) => {
    expectSameRenders(source, PARTIALS);
  });

  it('indents every line of a standalone partial but the empty end, as Handlebars does', () => {
    const context = { name: 'n', topic: 't' };
    const expected = '  first\n  \n  third t\nend\n';
    expect(generatedRender('  {{> paragraph}}\nend\n', PARTIALS)(context)).toBe(expected);
    expect(handlebarsRender('  {{> paragraph}}\nend\n', context, PARTIALS)).toBe(expected);
  });

  it('reports the partials a template uses, those of its partials included', () => {
    expect(compileTemplate('{{#if flag}}{{> nested}}{{/if}}{{> row}}', PARTIALS).partials).toEqual([
      'line',
      'nested',
      'row',
    ]);
    expect(compileTemplate('{{name}}', PARTIALS).partials).toEqual([]);
  });

  it('fails like strict Handlebars on a field the context lacks', () => {
    expect(() => generatedRender('{{missing}}')({})).toThrow(/"missing" not defined/);
    expect(() => handlebarsRender('{{missing}}', {})).toThrow(/"missing" not defined/);
  });

  it.each([
    ['an unknown helper', '{{upper name}}', /unknown helper upper/, /"upper" not defined/],
    ['an unknown partial', '{{> nowhere}}', /unknown partial nowhere/, /The partial nowhere could not be found/],
    [
      'a helper given too many parameters',
      '{{json name topic}}',
      /helper json takes 1 parameter\(s\), got 2/,
      /helper json takes 1 parameter\(s\), got 2/,
    ],
    [
      'a helper given none',
      '{{json}}',
      /helper json takes 1 parameter\(s\), got 0/,
      /helper json takes 1 parameter\(s\), got 0/,
    ],
  ])('%s is an error for both: %j', (_label, source, generatorError, handlebarsError) => {
    expect(() => compileTemplate(source, PARTIALS)).toThrow(generatorError);
    expect(() => handlebarsRender(source, { name: 'n', topic: 't' }, PARTIALS)).toThrow(handlebarsError);
  });

  it('names the partial an error is in', () => {
    const partials = new Map([...PARTIALS, ['broken', 'text {{#with a}}{{/with}}\n']]);
    expect(() => compileTemplate('{{> broken}}', partials)).toThrow(/\{\{#with\}\}.* in partial broken/);
  });

  it('refuses a partial that includes itself', () => {
    const partials = new Map([['loop', 'again {{> loop}}']]);
    expect(() => compileTemplate('{{> loop}}', partials)).toThrow(/partial loop includes itself/);
  });

  it.each([
    '{{#with a}}{{b}}{{/with}}',
    '{{#unless a}}x{{/unless}}',
    '{{#each xs}}{{@index}}{{/each}}',
    '{{#each xs}}{{../name}}{{/each}}',
    '{{name key=1}}',
    '{{#if a b}}x{{/if}}',
    '{{"literal"}}',
    '{{> line name}}',
    '{{#> line}}x{{/line}}',
  ])('refuses %j, which it does not compile', (source) => {
    expect(() => compileTemplate(source, PARTIALS)).toThrow(TemplateCompileError);
  });

  it('has no helper that no template uses', () => {
    const sources = [...templateSources(join(REPO_ROOT, 'templates'))];
    const unused = Object.keys(TEMPLATE_HELPERS).filter(
      (name) => !sources.some((source) => new RegExp(`\\{\\{[#~]?\\s*${name}\\s`).test(source)),
    );
    expect(unused).toEqual([]);
  });
});
