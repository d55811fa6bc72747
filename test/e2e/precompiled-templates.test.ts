// The bundle renders from templates compiled at build time; what it writes must equal what src/ compiles at run time.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINDS } from '../../src/kinds.js';
import { withManifest } from '../../src/render/manifest.js';
import { generatorVersion } from '../../src/paths.js';
import { renderPlan } from '../../src/render/plan.js';
import { PARTIALS_DIR, PARTIAL_SUFFIX } from '../../src/render/template-language.js';
import { REPO_ROOT, listTree, makeTempDir, removeDir, runCli } from '../helpers/cli.js';

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('precompiled templates (built CLI)', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeTempDir('cck-precompiled-');
  });
  afterAll(() => removeDir(cwd));

  it('the build left every template as a plain render function and its exact text, so the cheap path is the one taken', () => {
    const templatesDir = join(REPO_ROOT, 'templates');
    const partialsDir = join(templatesDir, PARTIALS_DIR);
    const files = templateFiles(templatesDir).filter(
      (file) => file.endsWith('.hbs') && !file.startsWith(`${partialsDir}/`),
    );
    expect(files.length).toBeGreaterThan(0);
    const load = createRequire(import.meta.url);
    let partialsUsed = 0;
    for (const source of files) {
      const [first, second] = relative(templatesDir, source).split('/');
      const layer = first === 'kinds' ? `kinds/${second}` : first!;
      const built = join(REPO_ROOT, 'dist', 'precompiled', layer.replace('/', '-'));
      const { templates } = load(`${built}.cjs`);
      const pathInLayer = relative(join(templatesDir, layer), source);
      const entry = templates[pathInLayer];
      const [start, end] = entry.range as [number, number];
      expect(readFileSync(`${built}.sources.txt`, 'utf8').slice(start, end), source).toBe(readFileSync(source, 'utf8'));
      expect(typeof entry.render, source).toBe('function');
      for (const [name, [partialStart, partialEnd]] of Object.entries(
        (entry.partials ?? {}) as Record<string, [number, number]>,
      )) {
        const partial = readFileSync(join(partialsDir, `${name}${PARTIAL_SUFFIX}`), 'utf8');
        expect(
          readFileSync(`${built}.sources.txt`, 'utf8').slice(partialStart, partialEnd),
          `${source} > ${name}`,
        ).toBe(partial);
        partialsUsed += 1;
      }
    }
    expect(partialsUsed).toBeGreaterThan(0);
  });

  it.each(KINDS.map((kind) => kind.name))('%s: the CLI writes byte for byte what src/ renders', async (kind) => {
    const name = `same-${kind}`;
    const run = await runCli([name, '--kind', kind, '--yes', '--no-install', '--no-git'], { cwd });
    expect(run.exitCode, run.stderr).toBe(0);
    const answers = { name, topic: `clustera-${name}`, kind, group: `${name}-group` } as const;
    const plan = withManifest(renderPlan(answers, generatorVersion()));
    expect(listTree(join(cwd, name))).toEqual(plan.files.map((file) => file.path).sort());
    for (const file of plan.files)
      expect(readFileSync(join(cwd, name, file.path), 'utf8'), file.path).toBe(file.contents);
  });

  // The manifest hashes what was written, whatever the build saw of the templates.
  it('an edited template file, even one of the same length, gets the hash of what was written', async () => {
    const templates = join(cwd, 'edited-templates');
    cpSync(join(REPO_ROOT, 'templates'), templates, { recursive: true });
    const edited = join(templates, 'kinds', 'basic', 'tests', 'test_process_message.py');
    const original = readFileSync(edited, 'utf8');
    const changed = original.replace('a', 'b');
    expect(changed.length).toBe(original.length);
    writeFileSync(edited, changed);
    const run = await runCli(['edited', '--kind', 'basic', '--yes', '--no-install', '--no-git'], {
      cwd,
      env: { CREATE_CLUSTERA_KERNEL_TEMPLATES: templates },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(cwd, 'edited', '.clustera-kernel.json'), 'utf8')) as {
      files: Record<string, string>;
    };
    for (const [path, hash] of Object.entries(manifest.files)) {
      expect(hash, path).toBe(
        `sha256:${createHash('sha256')
          .update(readFileSync(join(cwd, 'edited', path)))
          .digest('hex')}`,
      );
    }
    expect(readFileSync(join(cwd, 'edited', 'tests', 'test_process_message.py'), 'utf8')).toBe(changed);
  });

  // The build compiled the partial into main.py.hbs; with the partial changed, Handlebars renders the template instead.
  it('an edited partial is rendered into the templates that use it, though the templates themselves are unchanged', async () => {
    const templates = join(cwd, 'edited-partial-templates');
    cpSync(join(REPO_ROOT, 'templates'), templates, { recursive: true });
    const partial = join(templates, PARTIALS_DIR, `process-message-contract${PARTIAL_SUFFIX}`);
    writeFileSync(partial, `Edited contract line for {{name}}.\n${readFileSync(partial, 'utf8')}`);
    const run = await runCli(['edited-partial', '--kind', 'http', '--yes', '--no-install', '--no-git'], {
      cwd,
      env: { CREATE_CLUSTERA_KERNEL_TEMPLATES: templates },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'edited-partial', 'main.py'), 'utf8')).toContain(
      '\n    Edited contract line for edited-partial.\n    Return True',
    );
  });
});
