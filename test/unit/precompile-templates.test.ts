// The build's precompile step on fixture template directories: a template the code generator refuses fails it, naming
// the file; partials are not a layer, and a template records where the build's text of each partial it uses is.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compiledLayers, precompiledTemplates } from '../../scripts/precompile-templates.mjs';
import { makeTempDir, removeDir } from '../helpers/cli.js';

interface LayerModule {
  templates: Record<
    string,
    { range: [number, number]; partials?: Record<string, [number, number]>; render: (context: object) => string }
  >;
}

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function evaluate(module: string): LayerModule {
  const exports = {} as LayerModule;
  new Function('exports', module)(exports);
  return exports;
}

describe('precompile step', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('cck-precompile-');
  });
  afterEach(() => removeDir(dir));

  it('fails, naming the template, when the code generator refuses one', () => {
    const templates = join(dir, 'templates');
    writeFiles(templates, {
      'base/fine.txt.hbs': '{{name}}\n',
      'kinds/basic/main.py.hbs': 'x = 1\n{{#with settings}}{{port}}{{/with}}\n',
    });
    expect(() => compiledLayers(templates)).toThrow(
      /kinds\/basic\/main\.py\.hbs: the template compiler does not handle the block \{\{#with\}\}.*line 2/,
    );
  });

  it('fails for a template whose partial is missing, and writes nothing', () => {
    const templates = join(dir, 'templates');
    const out = join(dir, 'out');
    writeFiles(templates, { 'base/README.md.hbs': '# {{name}}\n{{> missing}}\n' });
    expect(() => precompiledTemplates(templates, out)).toThrow(/base\/README\.md\.hbs: unknown partial missing/);
    expect(existsSync(out)).toBe(false);
  });

  it('compiles the partials into the templates that use them, and keeps the text it saw of each', () => {
    const templates = join(dir, 'templates');
    const partial = 'Shared line about {{topic}}.\n';
    writeFiles(templates, {
      'partials/shared.hbs': partial,
      'base/notes.md.hbs': '# {{name}}\n\n  {{> shared}}\n',
      'base/plain.txt': 'copied\n',
      'kinds/basic/main.py.hbs': '"""Doc.\n\n    {{> shared}}\n    """\n',
    });
    const layers = compiledLayers(templates);
    expect([...layers.keys()].sort()).toEqual(['base', 'kinds/basic']);
    for (const [layer, file, expected] of [
      ['base', 'notes.md.hbs', '# k\n\n  Shared line about t.\n'],
      ['kinds/basic', 'main.py.hbs', '"""Doc.\n\n    Shared line about t.\n    """\n'],
    ] as const) {
      const { module, sources } = layers.get(layer)!;
      const template = evaluate(module).templates[file]!;
      expect(template.render({ name: 'k', topic: 't' })).toBe(expected);
      const [start, end] = template.partials!.shared!;
      expect(sources.slice(start, end)).toBe(partial);
    }
    expect(evaluate(layers.get('base')!.module).templates['plain.txt']).toBeUndefined();
  });
});
