// The templates as the build leaves them in dist/precompiled/, and the esbuild plugin that points
// src/render/precompiled-templates.ts at them.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { transformSync } from 'esbuild';
import Handlebars from 'handlebars';
import { RENDER_HELPERS, templateToFunction } from './template-codegen.mjs';

// Swaps src/render/precompiled-templates.ts for a loader of dist/precompiled/<layer>.cjs, one per template layer, keyed by
// path in the layer: each .hbs as a render function from template-codegen.mjs (Handlebars' compiled form for a
// template beyond that subset), each file copied as it is with its SHA-256, so a scaffold hashes only what it
// rendered. Either is used only while the file is exactly the text the build saw, kept in <layer>.sources.txt
// (read as a file: parsing it as JavaScript string literals would cost more).
export function precompiledTemplates() {
  const layers = new Map();
  for (const file of listFiles('templates').filter((path) => !/(^|\/)__pycache__\/|\.pyc$/.test(path))) {
    const [, first, second] = file.split('/');
    const layer = first === 'kinds' ? `kinds/${second}` : first;
    const pathInLayer = file.slice(`templates/${layer}/`.length);
    const source = readFileSync(file, 'utf8');
    if (!layers.has(layer)) layers.set(layer, { templates: [], copied: [], sources: '' });
    const entry = layers.get(layer);
    const range = `[${entry.sources.length}, ${entry.sources.length + source.length}]`;
    entry.sources += source;
    if (!file.endsWith('.hbs')) {
      const sha256 = createHash('sha256').update(source, 'utf8').digest('hex');
      entry.copied.push(`  ${JSON.stringify(pathInLayer)}: { range: ${range}, sha256: ${JSON.stringify(sha256)} },`);
      continue;
    }
    const render = templateToFunction(source);
    if (!render) console.warn(`build: ${file} renders through the Handlebars runtime (it uses more than template-codegen.mjs compiles)`);
    const compiled = render ? `render: ${render}` : `spec: ${Handlebars.precompile(source, { noEscape: true, strict: true })}`;
    entry.templates.push(`  ${JSON.stringify(pathInLayer)}: { range: ${range}, ${compiled} },`);
  }
  mkdirSync('dist/precompiled', { recursive: true });
  for (const [layer, { templates, copied, sources }] of layers) {
    const name = `dist/precompiled/${layer.replace('/', '-')}`;
    const module = `${RENDER_HELPERS}\nexports.templates = {\n${templates.join('\n')}\n};\nexports.copied = {\n${copied.join('\n')}\n};\n`;
    // Minified like the bundles: this is parsed on every scaffold.
    writeFileSync(`${name}.cjs`, transformSync(module, { minifyWhitespace: true, minifySyntax: true, format: 'cjs' }).code);
    writeFileSync(`${name}.sources.txt`, sources);
  }
  const loader = `import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
export const TEMPLATE_COMPILER_MODULE = './template-compiler.cjs';
const LAYERS = new Set(${JSON.stringify([...layers.keys()])});
const loaded = new Map();
function layerFiles(layer) {
  if (!LAYERS.has(layer)) return undefined;
  if (!loaded.has(layer)) {
    const base = \`./precompiled/\${layer.replace('/', '-')}\`;
    const { templates, copied } = createRequire(import.meta.url)(\`\${base}.cjs\`);
    let text;
    const sources = () => (text ??= readFileSync(new URL(\`\${base}.sources.txt\`, import.meta.url), 'utf8'));
    const sawExactly = ([start, end], raw) => end - start === raw.length && sources().slice(start, end) === raw;
    loaded.set(layer, { templates, copied, sawExactly });
  }
  return loaded.get(layer);
}
export function precompiledTemplate(layer, file, raw) {
  const files = layerFiles(layer);
  const template = files?.templates[file];
  return template !== undefined && files.sawExactly(template.range, raw) ? template : undefined;
}
export function copiedFileSha256(layer, file, raw) {
  const files = layerFiles(layer);
  const copied = files?.copied[file];
  return copied !== undefined && files.sawExactly(copied.range, raw) ? copied.sha256 : undefined;
}
`;
  return {
    name: 'precompiled-templates',
    setup(bundler) {
      bundler.onLoad({ filter: /src[\\/]render[\\/]precompiled-templates\.ts$/ }, () => ({ contents: loader, loader: 'js' }));
    },
  };
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(`${dir}/${entry.name}`) : [`${dir}/${entry.name}`],
  );
}
