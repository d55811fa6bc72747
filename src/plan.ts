// Templates + answers → the plan: every file of a kernel and its contents, computed without touching the target.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import type Handlebars from 'handlebars';
import HandlebarsRuntime from 'handlebars/runtime';
import type { Answers } from './answers.js';
import { TEMPLATES_DIR } from './paths.js';
import { PRECOMPILED_TEMPLATES, TEMPLATE_COMPILER_MODULE } from './precompiled-templates.js';
import { buildTemplateContext, type TemplateContext } from './template-context.js';

export interface PlannedFile {
  /** POSIX path relative to the kernel root. */
  path: string;
  contents: string;
  executable: boolean;
}

export interface Plan {
  answers: Answers;
  generatorVersion: string;
  files: PlannedFile[];
}

const TEMPLATE_SUFFIX = '.hbs';
// npm drops dotfiles such as .gitignore from published packages, so templates spell them `dot-<name>`.
const DOT_PREFIX = 'dot-';

// scripts/build.mjs precompiles with the same options and keys; test/e2e/precompiled-templates checks they agree.
const TEMPLATE_OPTIONS = { noEscape: true, strict: true } as const;

function templateKey(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

type HandlebarsEnv = typeof HandlebarsRuntime;

function withHelpers<Env extends HandlebarsEnv>(hbs: Env): Env {
  hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));
  hbs.registerHelper('upper', (value: string) => value.toUpperCase());
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return hbs;
}

// The compiler (parser, code generator, source maps) is 150 kB of the bundle: it loads only for a template the build did not compile.
function loadCompiler(): typeof Handlebars {
  return createRequire(import.meta.url)(TEMPLATE_COMPILER_MODULE) as typeof Handlebars;
}

/** Precompiled templates run on the runtime alone; the compiler is created on the first template that needs it. */
function createRenderer(): (raw: string) => Handlebars.TemplateDelegate {
  const runtime = withHelpers(HandlebarsRuntime.create());
  let compiler: typeof Handlebars | undefined;
  return (raw) => {
    const spec = PRECOMPILED_TEMPLATES[templateKey(raw)];
    if (spec) return runtime.template(spec);
    compiler ??= withHelpers(loadCompiler().create());
    return compiler.compile(raw, TEMPLATE_OPTIONS);
  };
}

/** Template-relative path → kernel-relative path. */
export function outputPath(templatePath: string): string {
  return templatePath
    .split('/')
    .map((part) => (part.startsWith(DOT_PREFIX) ? `.${part.slice(DOT_PREFIX.length)}` : part))
    .join('/')
    .replace(/\.hbs$/, '');
}

// Directory entries carry their type, so the walk costs one readdir per directory and no stat per file.
function listFiles(root: string, prefix = ''): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(root, prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const relative = prefix ? posix.join(prefix, entry.name) : entry.name;
    if (entry.name === '__pycache__' || entry.name.endsWith('.pyc')) return [];
    const isDirectory = entry.isDirectory() || (entry.isSymbolicLink() && statSync(join(root, relative)).isDirectory());
    return isDirectory ? listFiles(root, relative) : [relative];
  });
}

/** The layers a kind is made of, later ones overriding earlier ones file by file. */
function templateLayers(kind: string, templatesDir: string): string[] {
  return [join(templatesDir, 'base'), join(templatesDir, 'kinds', kind)];
}

export function renderPlan(answers: Answers, generatorVersion: string, templatesDir = TEMPLATES_DIR): Plan {
  const context: TemplateContext = buildTemplateContext(answers, generatorVersion);
  // Compiling is most of a scaffold's CPU time, so the bundle ships compiled templates and uses them while the source matches.
  const compileTemplate = createRenderer();
  const sources = new Map<string, string>();
  for (const layer of templateLayers(answers.kind, templatesDir)) {
    for (const file of listFiles(layer)) sources.set(outputPath(file), join(layer, file));
  }
  const files = [...sources.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, source]) => {
      const raw = readFileSync(source, 'utf8');
      const contents = source.endsWith(TEMPLATE_SUFFIX) ? compileTemplate(raw)(context) : raw;
      const executable = (statSync(source).mode & 0o111) !== 0;
      return { path, contents, executable };
    });
  return { answers, generatorVersion, files };
}
