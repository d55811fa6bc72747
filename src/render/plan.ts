// Templates + answers → the plan: every file of a kernel and its contents, computed without touching the target.
import { readFileSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import type Handlebars from 'handlebars';
import type { Answers } from '../create/answers.js';
import { TEMPLATES_DIR } from '../paths.js';
import { findKind } from '../kinds.js';
import { SAMPLES_PATH } from '../schema-formats.js';
import { templateEnvironment } from './handlebars-environment.js';
import { templatePartials } from './partials.js';
import { TEMPLATE_COMPILER_MODULE, precompiledTemplate } from './precompiled-templates.js';
import { localRuntimeSource } from './runtime-dependency.js';
import { buildTemplateContext, type TemplateContext } from './template-context.js';
import { TEMPLATE_OPTIONS } from './template-language.js';

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
// The kind's tests of process_message; the schema layer has a generic typed version of them.
const KIND_TESTS_PATH = 'tests/test_process_message.py';
// npm drops dotfiles such as .gitignore from published packages, so templates spell them `dot-<name>`.
const DOT_PREFIX = 'dot-';

// Handlebars (parser, compiler, runtime: 150 kB of the bundle) loads only for a template the build did not compile.
function loadCompiler(): typeof Handlebars {
  return createRequire(import.meta.url)(TEMPLATE_COMPILER_MODULE) as typeof Handlebars;
}

/** Templates compiled by the build run as plain functions; Handlebars is created on the first template that needs it. */
function createRenderer(
  templatesDir: string,
): (raw: string, layer: string, file: string) => (context: TemplateContext) => string {
  const partials = templatePartials(templatesDir);
  let handlebars: typeof Handlebars | undefined;
  const loadHandlebars = () => (handlebars ??= templateEnvironment(loadCompiler().create(), partials.all()));
  return (raw, layer, file) =>
    precompiledTemplate(layer, file, raw, partials.text)?.render ?? loadHandlebars().compile(raw, TEMPLATE_OPTIONS);
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
    entries = readdirSync(join(root, prefix), { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
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

/** The layers a kernel is made of, later ones overriding earlier ones file by file; each schema adds its own. */
function templateLayers(answers: Answers): string[] {
  return [
    'base',
    `kinds/${answers.kind}`,
    // The script that generates the models, from either schema.
    ...(answers.schema === undefined && answers.outputSchema === undefined ? [] : ['models']),
    ...(answers.schema === undefined ? [] : ['schema']),
    ...(answers.outputSchema === undefined ? [] : ['output-schema']),
  ];
}

export function renderPlan(
  answers: Answers,
  generatorVersion: string,
  templatesDir = TEMPLATES_DIR,
  /** Where uv takes the runtime from; null renders the kernel as a released CLI would (from the index). */
  runtimePath: string | null = localRuntimeSource() ?? null,
  /**
   * The release whose runtime line pyproject.toml requires: this package's own by default (also when a maintainer
   * hook pretends to be another release); an older release's render, rebuilt from its published templates, names
   * that release's line.
   */
  runtimeVersion?: string,
): Plan {
  const context: TemplateContext = buildTemplateContext(
    answers,
    generatorVersion,
    runtimePath ?? undefined,
    runtimeVersion,
  );
  // Compiling is most of a scaffold's CPU time, so the bundle ships compiled templates and uses them while the source matches.
  const compileTemplate = createRenderer(templatesDir);
  const sources = new Map<string, { layer: string; file: string; source: string }>();
  // A kind whose own tests handle a schema keeps them: they test its client, which the schema's generic ones stub.
  const keepsKindTests = findKind(answers.kind)?.testsHandleSchema === true;
  for (const layer of templateLayers(answers)) {
    const layerDir = join(templatesDir, layer);
    for (const file of listFiles(layerDir)) {
      const path = outputPath(file);
      if (layer === 'schema' && path === KIND_TESTS_PATH && keepsKindTests) continue;
      sources.set(path, { layer, file, source: join(layerDir, file) });
    }
  }
  // With a schema the samples come from it (generated with the model), not from the kind's table.
  if (answers.schema !== undefined) sources.delete(SAMPLES_PATH);
  const files = [...sources.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, { layer, file, source }]) => {
      const raw = readFileSync(source, 'utf8');
      const contents = source.endsWith(TEMPLATE_SUFFIX) ? compileTemplate(raw, layer, file)(context) : raw;
      const executable = (statSync(source).mode & 0o111) !== 0;
      return { path, contents, executable };
    });
  return { answers, generatorVersion, files };
}
