// The cheap paths stay cheap: --help, --version, kinds and a non-interactive create never load kafkajs, pg, execa,
// the prompt library or src/infra, and plain help and a create that asks nothing run from dist/fast.cjs alone.
// Checked on the modules Node actually loads from the built bundle, not on time.
import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTempDir, removeDir, runCli } from '../helpers/cli.js';

const DIST = join(REPO_ROOT, 'dist');
const LOAD_HOOK = join(REPO_ROOT, 'test', 'helpers', 'module-load-log.mjs');

// What must stay out of the cheap paths, as a prefix of the bundler's input paths.
const HEAVY = {
  kafkajs: 'node_modules/kafkajs/',
  pg: 'node_modules/pg/',
  execa: 'node_modules/execa/',
  prompts: 'node_modules/@clack/prompts/',
  infra: 'src/infra/',
  // contracts' schema libraries: about 400 KB that only that command needs.
  ajv: 'node_modules/ajv/',
  schemaFaker: 'node_modules/json-schema-faker/',
  avsc: 'node_modules/avsc/',
};
type Heavy = keyof typeof HEAVY;

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/** For each heavy part, the URLs of the bundle files that contain any of it. */
function bundleFilesHolding(): Record<Heavy, string[]> {
  const meta = JSON.parse(readFileSync(join(DIST, 'bundle-meta.json'), 'utf8')) as Metafile;
  const holding = (prefix: string) =>
    Object.entries(meta.outputs)
      .filter(
        ([output, { inputs }]) =>
          output.endsWith('.js') && Object.keys(inputs).some((input) => input.startsWith(prefix)),
      )
      .map(([output]) => pathToFileURL(join(REPO_ROOT, output)).href);
  return Object.fromEntries(Object.entries(HEAVY).map(([name, prefix]) => [name, holding(prefix)])) as Record<
    Heavy,
    string[]
  >;
}

/** Heavy parts found among the loaded module URLs: a bundle file holding them, or the package itself if left external. */
function heavyLoaded(loaded: string[], files: Record<Heavy, string[]>): Heavy[] {
  return (Object.keys(HEAVY) as Heavy[]).filter((name) =>
    loaded.some((url) => files[name].includes(url) || url.includes(`/${HEAVY[name]}`)),
  );
}

describe('lazy loading (built CLI)', () => {
  let cwd: string;
  let files: Record<Heavy, string[]>;
  beforeEach(() => {
    cwd = makeTempDir('cck-lazy-');
    files = bundleFilesHolding();
  });
  afterEach(() => removeDir(cwd));

  async function modulesLoadedBy(args: string[], env: Record<string, string> = {}): Promise<string[]> {
    const log = join(cwd, 'modules.log');
    const run = await runCli(args, {
      cwd,
      nodeArgs: ['--import', pathToFileURL(LOAD_HOOK).href],
      env: { ...env, CCK_MODULE_LOG: log },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    // The hook saw the first bundle file every run loads, so an empty list below means something.
    expect(loaded).toContain(pathToFileURL(join(DIST, 'fast.cjs')).href);
    return loaded;
  }

  it('the bundle keeps execa, the prompts and src/infra in chunks of their own', () => {
    const main = pathToFileURL(join(DIST, 'cli.js')).href;
    for (const name of ['execa', 'prompts', 'infra'] as const) {
      expect(files[name].length, name).toBeGreaterThan(0);
      expect(files[name], name).not.toContain(main);
    }
    expect(files.kafkajs, 'kafkajs').not.toContain(main);
    expect(files.pg, 'pg').not.toContain(main);
  });

  it('keeps the schema libraries of contracts in its own lazy chunk', async () => {
    const main = pathToFileURL(join(DIST, 'cli.js')).href;
    for (const name of ['ajv', 'schemaFaker', 'avsc'] as const) {
      expect(files[name].length, name).toBeGreaterThan(0);
      expect(files[name], name).not.toContain(main);
    }
    const list = await modulesLoadedBy(['list']);
    expect(heavyLoaded(list, files).filter((name) => ['ajv', 'schemaFaker', 'avsc'].includes(name))).toEqual([]);
  });

  // runCli pipes stdout, as CI does; on a terminal create loads the prompt library for its styled lines and spinner.
  it.each([
    ['--help', ['--help']],
    ['--version', ['--version']],
    ['kinds', ['kinds']],
    ['kinds --json', ['kinds', '--json']],
    ['create --yes --no-install --no-git', ['quiet-kernel', '--kind', 'basic', '--yes', '--no-install', '--no-git']],
    [
      'create --dry-run --json',
      ['dry-kernel', '--kind', 'ai', '--yes', '--no-install', '--no-git', '--dry-run', '--json'],
    ],
  ])('%s loads none of kafkajs, pg, execa, the prompts, src/infra or the schema libraries', async (_label, args) => {
    expect(heavyLoaded(await modulesLoadedBy(args), files)).toEqual([]);
  });

  it('dist/fast.cjs holds no package and no src/infra: it leaves out every lazy import but the create command', () => {
    const meta = JSON.parse(readFileSync(join(DIST, 'fast-meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    const inputs = Object.keys(meta.inputs);
    expect(inputs).toContain('src/commands/create.ts');
    expect(inputs.filter((input) => input.startsWith('node_modules/') || input.startsWith('src/infra/'))).toEqual([]);
    expect(inputs.filter((input) => input.startsWith('left-out:'))).toEqual(
      expect.arrayContaining([
        'left-out:../create/install.js',
        'left-out:../git.js',
        'left-out:@clack/prompts',
        'left-out:../commands/test-run.js',
      ]),
    );
  });

  it('plain help and the usual create run from dist/fast.cjs alone; kinds goes through the full CLI and commander', async () => {
    const meta = JSON.parse(readFileSync(join(DIST, 'bundle-meta.json'), 'utf8')) as Metafile;
    const commander = Object.entries(meta.outputs)
      .filter(
        ([output, { inputs }]) =>
          output.endsWith('.js') && Object.keys(inputs).some((input) => input.startsWith('node_modules/commander/')),
      )
      .map(([output]) => pathToFileURL(join(REPO_ROOT, output)).href);
    expect(commander.length).toBeGreaterThan(0);
    const fullCli = pathToFileURL(join(DIST, 'cli.js')).href;
    for (const args of [['fast-kernel', '--kind', 'basic', '--yes', '--no-install', '--no-git'], ['--help']]) {
      const loaded = await modulesLoadedBy(args);
      expect(loaded, args.join(' ')).not.toContain(fullCli);
      expect(
        loaded.filter((url) => commander.includes(url)),
        args.join(' '),
      ).toEqual([]);
    }
    const kinds = await modulesLoadedBy(['kinds']);
    expect(kinds).toContain(fullCli);
    expect(kinds.filter((url) => commander.includes(url)).length).toBeGreaterThan(0);
  });

  // Every template was compiled by the build, so a scaffold from the package's own templates never needs Handlebars.
  it('a create from the built templates loads no Handlebars; one from a changed template does', async () => {
    const compiler = pathToFileURL(join(DIST, 'template-compiler.cjs')).href;
    expect(
      await modulesLoadedBy(['plain-kernel', '--kind', 'http', '--yes', '--no-install', '--no-git']),
    ).not.toContain(compiler);
    const templates = join(cwd, 'templates');
    cpSync(join(REPO_ROOT, 'templates'), templates, { recursive: true });
    appendFileSync(join(templates, 'base', 'README.md.hbs'), 'One more line.\n');
    const changed = await modulesLoadedBy(['changed-kernel', '--kind', 'http', '--yes', '--no-install', '--no-git'], {
      CREATE_CLUSTERA_KERNEL_TEMPLATES: templates,
    });
    expect(changed).toContain(compiler);
  });

  it('a create that runs git does load execa, so the check above can see it', async () => {
    expect(
      heavyLoaded(await modulesLoadedBy(['git-kernel', '--kind', 'basic', '--yes', '--no-install']), files),
    ).toEqual(['execa']);
  });
});
