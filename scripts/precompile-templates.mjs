// The templates as the build leaves them in dist/precompiled/, and the esbuild plugin that points
// src/render/precompiled-templates.ts at them.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { PARTIALS_DIR, PARTIAL_SUFFIX } from '../src/render/template-language.js';
import { precompiledLoaderSource } from './precompiled-loader.mjs';
import { RENDER_RUNTIME, compileTemplate } from './template-codegen.mjs';

// Writes dist/precompiled/<layer>.cjs and <layer>.sources.txt for each template layer and returns the plugin that
// swaps src/render/precompiled-templates.ts for a loader of them (see precompiled-loader.mjs).
export function precompiledTemplates(templatesDir = 'templates', outDir = 'dist/precompiled') {
  const layers = compiledLayers(templatesDir);
  mkdirSync(outDir, { recursive: true });
  for (const [layer, { module, sources }] of layers) {
    const name = `${outDir}/${layer.replace('/', '-')}`;
    // Minified like the bundles: this is parsed on every scaffold.
    writeFileSync(
      `${name}.cjs`,
      transformSync(module, { minifyWhitespace: true, minifySyntax: true, format: 'cjs' }).code,
    );
    writeFileSync(`${name}.sources.txt`, sources);
  }
  const loader = precompiledLoaderSource([...layers.keys()]);
  return {
    name: 'precompiled-templates',
    setup(bundler) {
      bundler.onLoad({ filter: /src[\\/]render[\\/]precompiled-templates\.ts$/ }, () => ({
        contents: loader,
        loader: 'js',
      }));
    },
  };
}

/**
 * Each layer of `templatesDir` as a CommonJS module: each .hbs as a render function from template-codegen.mjs, keyed by
 * path in the layer; and the texts the build saw, which a template's or a partial's range points into. Throws, naming
 * the file, for a template the code generator does not compile.
 */
export function compiledLayers(templatesDir) {
  const partials = readPartials(templatesDir);
  const layers = new Map();
  const partialsPrefix = `${templatesDir}/${PARTIALS_DIR}/`;
  const files = listFiles(templatesDir).filter(
    (path) => path.endsWith('.hbs') && !path.startsWith(partialsPrefix) && !/(^|\/)__pycache__\//.test(path),
  );
  for (const file of files) {
    const [first, second] = file.slice(templatesDir.length + 1).split('/');
    const layer = first === 'kinds' ? `kinds/${second}` : first;
    if (!layers.has(layer)) layers.set(layer, { templates: [], sources: '', partialRanges: new Map() });
    const entry = layers.get(layer);
    const pathInLayer = file.slice(`${templatesDir}/${layer}/`.length);
    const source = readFileSync(file, 'utf8');
    const range = appendSource(entry, source);
    const compiled = compiledOrThrow(file, source, partials);
    const partialRanges = compiled.partials.map(
      (name) => `${JSON.stringify(name)}: ${partialRange(entry, name, partials.get(name))}`,
    );
    const partialsField = partialRanges.length > 0 ? ` partials: { ${partialRanges.join(', ')} },` : '';
    entry.templates.push(
      `  ${JSON.stringify(pathInLayer)}: { range: ${range},${partialsField} render: ${compiled.code} },`,
    );
  }
  return new Map(
    [...layers].map(([layer, { templates, sources }]) => [
      layer,
      {
        module: `${RENDER_RUNTIME}\nexports.templates = {\n${templates.join('\n')}\n};\n`,
        sources,
      },
    ]),
  );
}

function compiledOrThrow(file, source, partials) {
  try {
    return compileTemplate(source, partials);
  } catch (error) {
    throw new Error(`${file}: ${error.message}`, { cause: error });
  }
}

/** Adds `source` to the layer's texts and returns its range there, as JavaScript. */
function appendSource(entry, source) {
  const range = `[${entry.sources.length}, ${entry.sources.length + source.length}]`;
  entry.sources += source;
  return range;
}

// Each partial's text goes into a layer's texts once, however many of its templates use it.
function partialRange(entry, name, source) {
  if (!entry.partialRanges.has(name)) entry.partialRanges.set(name, appendSource(entry, source));
  return entry.partialRanges.get(name);
}

function readPartials(templatesDir) {
  const dir = `${templatesDir}/${PARTIALS_DIR}`;
  if (!existsSync(dir)) return new Map();
  return new Map(
    readdirSync(dir)
      .filter((file) => file.endsWith(PARTIAL_SUFFIX))
      .map((file) => [file.slice(0, -PARTIAL_SUFFIX.length), readFileSync(`${dir}/${file}`, 'utf8')]),
  );
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(`${dir}/${entry.name}`) : [`${dir}/${entry.name}`],
  );
}
