// The build's template compiler renders exactly what Handlebars renders (noEscape, strict), and declines what it does
// not know, so that template falls back to Handlebars' own compiled form.
import fc from 'fast-check';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { RENDER_HELPERS, templateToFunction } from '../../scripts/template-codegen.mjs';

const OPTIONS = { noEscape: true, strict: true } as const;

function handlebarsRender(source: string, context: object): string {
  const hbs = Handlebars.create();
  hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));
  return hbs.compile(source, OPTIONS)(context);
}

function generatedRender(source: string): (context: object) => string {
  const code = templateToFunction(source);
  if (!code) throw new Error('declined');
  return new Function(`${RENDER_HELPERS}\nreturn (${code});`)() as (context: object) => string;
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

const contexts = fc.record({
  name: fc.oneof(fc.string(), fc.constant(0), fc.constant(null), fc.boolean()),
  topic: fc.string(),
  flag: fc.oneof(fc.boolean(), fc.constant(0), fc.constant(''), fc.constant([]), fc.constant([1]), fc.constant(null)),
  items: fc.oneof(fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean())), fc.dictionary(fc.string({ minLength: 1 }), fc.string())),
  rows: fc.array(fc.record({ label: fc.string(), note: fc.option(fc.string(), { nil: undefined }) }, { requiredKeys: ['label'] })),
  deep: fc.oneof(fc.record({ inner: fc.record({ value: fc.string() }) }), fc.constant({ inner: {} })),
});

describe('template codegen', () => {
  it.each(TEMPLATES)('renders %j as Handlebars does, for any context', (source) => {
    const generated = generatedRender(source);
    fc.assert(
      fc.property(contexts, (context) => {
        expect(outcome(() => generated(context))).toEqual(outcome(() => handlebarsRender(source, context)));
      }),
      { numRuns: 200 },
    );
  });

  it('fails like strict Handlebars on a field the context lacks', () => {
    expect(() => generatedRender('{{missing}}')({})).toThrow(/"missing" not defined/);
    expect(() => handlebarsRender('{{missing}}', {})).toThrow(/"missing" not defined/);
  });

  it.each(['{{#with a}}{{b}}{{/with}}', '{{#each xs}}{{@index}}{{/each}}', '{{#each xs}}{{../name}}{{/each}}', '{{upper name}}', '{{json a b}}', '{{name key=1}}', '{{#if a b}}x{{/if}}', '{{> partial}}', '{{"literal"}}'])(
    'declines %j, which keeps the Handlebars form',
    (source) => {
      expect(templateToFunction(source)).toBeUndefined();
    },
  );
});
