// Source of the module that replaces src/render/precompiled-templates.ts in the bundles: it loads
// dist/precompiled/<layer>.cjs on first use and answers only for a template, and the partials it uses, that are
// exactly the text the build saw, kept in <layer>.sources.txt (read as a file: parsing it as JavaScript string
// literals would cost more).
export function precompiledLoaderSource(layerNames) {
  return `import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
export const TEMPLATE_COMPILER_MODULE = './template-compiler.cjs';
const LAYERS = new Set(${JSON.stringify(layerNames)});
const loaded = new Map();
function layerFiles(layer) {
  if (!LAYERS.has(layer)) return undefined;
  if (!loaded.has(layer)) {
    const base = \`./precompiled/\${layer.replace('/', '-')}\`;
    const { templates } = createRequire(import.meta.url)(\`\${base}.cjs\`);
    let text;
    const sources = () => (text ??= readFileSync(new URL(\`\${base}.sources.txt\`, import.meta.url), 'utf8'));
    const sawExactly = ([start, end], raw) => raw !== undefined && end - start === raw.length && sources().slice(start, end) === raw;
    loaded.set(layer, { templates, sawExactly });
  }
  return loaded.get(layer);
}
export function precompiledTemplate(layer, file, raw, partialText) {
  const files = layerFiles(layer);
  const template = files?.templates[file];
  if (template === undefined || !files.sawExactly(template.range, raw)) return undefined;
  for (const name in template.partials) if (!files.sawExactly(template.partials[name], partialText(name))) return undefined;
  return template;
}
`;
}
