// Builds dist/: fast.cjs (plain help and a create that asks nothing, in one CommonJS file), cli.js (the whole CLI as
// an ESM bundle whose rarely needed parts — prompts, execa, kafkajs, infra — are lazy chunks), precompiled/ (the
// templates, see precompile-templates.mjs), template-compiler.cjs (Handlebars, for templates changed since), plus the
// infrastructure launchers for .ci/provision.sh and bench/, the test harness's included (not published).
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { precompiledTemplates } from './precompile-templates.mjs';

// Bundled CommonJS packages still call require() for Node's built-ins; an ESM file has to provide it.
const requireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const shared = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.12',
  splitting: true,
  sourcemap: 'linked',
  // Traces only need the mappings; the sources are in the repository.
  sourcesContent: false,
  logLevel: 'warning',
};

rmSync('dist', { recursive: true, force: true });
const templates = templatesOrExit();

const cli = await build({
  ...shared,
  entryPoints: { cli: 'src/entry/cli.ts' },
  outdir: 'dist',
  // Chunks sit beside cli.js so paths.ts finds the package root one level up from any of them.
  chunkNames: '[name]-[hash]',
  banner: { js: requireShim },
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  plugins: [templates, builtinsThroughRequire()],
});
// The test that guards lazy loading reads which chunk holds which package from here.
writeFileSync('dist/bundle-meta.json', JSON.stringify(cli.metafile));

// The fast path (src/entry/fast-path.ts) as one CommonJS file: Node loads it without the ES module loader, about 20 ms
// sooner than the split bundle. It holds create without its lazy parts, so the full CLI stays the only copy of those.
const help = await prerenderedHelp(cli.metafile);
await build({
  ...shared,
  entryPoints: { fast: 'src/entry/fast-path.ts' },
  outfile: 'dist/fast.cjs',
  format: 'cjs',
  splitting: false,
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  // paths.ts and plan.ts locate the package from their own URL, which a CommonJS file has as __filename.
  banner: { js: "const __moduleUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__moduleUrl', PRERENDERED_HELP: JSON.stringify(help) },
  plugins: [templates, leaveOutLazyImports(['../commands/create.js'])],
}).then(({ metafile }) => writeFileSync('dist/fast-meta.json', JSON.stringify(metafile)));

// The handlebars compiler, for templates changed since this build: plan.ts require()s it synchronously, so CommonJS.
const compiler = await build({
  ...shared,
  stdin: { contents: "module.exports = require('handlebars');", resolveDir: '.', sourcefile: 'template-compiler.cjs' },
  outfile: 'dist/template-compiler.cjs',
  format: 'cjs',
  splitting: false,
  sourcemap: false,
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
});

// The launchers outside the CLI's bundle, for .ci/provision.sh and bench/ (Node 20.12 runs no TypeScript): the CLI's
// own (src/infra, into dist/infra) and the test harness's (test/infra, into dist/test-infra), sharing their chunks.
await build({
  ...shared,
  entryPoints: Object.fromEntries(
    [
      ['src/infra', 'infra'],
      ['test/infra', 'test-infra'],
    ].flatMap(([dir, out]) =>
      readdirSync(dir)
        .filter((file) => file.endsWith('.ts'))
        .map((file) => [`${out}/${file.slice(0, -3)}`, `${dir}/${file}`]),
    ),
  ),
  outdir: 'dist',
  chunkNames: 'infra/shared-[hash]',
  packages: 'external',
});

// The bundle carries other packages' code, so their licences travel with it.
writeFileSync(
  'dist/THIRD-PARTY-LICENSES.md',
  thirdPartyLicenses([...Object.keys(cli.metafile.inputs), ...Object.keys(compiler.metafile.inputs)]),
);

function thirdPartyLicenses(inputs) {
  const packageDirs = new Set(
    inputs.map((input) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1]).filter(Boolean),
  );
  const sections = [...packageDirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
    const licenceFile = readdirSync(dir).find((file) => /^(licen[sc]e|copying)/i.test(file));
    const text = licenceFile ? readFileSync(`${dir}/${licenceFile}`, 'utf8').trim() : `License: ${pkg.license}`;
    return `## ${pkg.name}@${pkg.version} (${pkg.license})\n\n${text}\n`;
  });
  return `# Third-party licences\n\nThe bundle in this directory includes code from these packages.\n\n${sections.join('\n')}`;
}

// A template the code generator cannot compile fails the build: the bundle has no other compiled form.
function templatesOrExit() {
  try {
    return precompiledTemplates();
  } catch (error) {
    console.error(`build failed: ${error.message}`);
    process.exit(1);
  }
}

// Commander's help for the bare command as it prints it to anything but a terminal: wrapped at 80 columns.
async function prerenderedHelp(metafile) {
  const [chunk] = Object.entries(metafile.outputs)
    .filter(([, output]) => output.entryPoint === 'src/entry/program.ts')
    .map(([path]) => path);
  const { buildProgram } = await import(pathToFileURL(chunk).href);
  let text = '';
  const program = buildProgram({ exitCode: 0 });
  program.configureOutput({
    writeOut: (part) => (text += part),
    getOutHelpWidth: () => 80,
    getOutHasColors: () => false,
  });
  program.outputHelp();
  return text;
}

// Every dynamic import but the allowed ones becomes a module that fails to load: fast-path.ts never reaches them.
function leaveOutLazyImports(allowed) {
  return {
    name: 'leave-out-lazy-imports',
    setup(bundler) {
      bundler.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'dynamic-import' || allowed.includes(args.path)) return undefined;
        return { path: args.path, namespace: 'left-out' };
      });
      bundler.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`internal error: ${args.path} is not part of dist/fast.cjs`)});`,
        loader: 'js',
      }));
    },
  };
}

// An ES import of a built-in such as node:fs makes Node build its full export list, which loads the stream modules
// (about 8 ms); through require() the same module is read property by property, on use.
function builtinsThroughRequire() {
  return {
    name: 'builtins-through-require',
    setup(bundler) {
      bundler.onResolve({ filter: /^node:/ }, (args) => {
        if (args.namespace === 'builtin') return { path: args.path, external: true };
        // commander spawns only for executable subcommands, which we have none of; child_process drags in net and streams.
        if (args.path === 'node:child_process' && /node_modules[\\/]commander[\\/]/.test(args.importer))
          return { path: 'commander-spawn', namespace: 'builtin' };
        return { path: args.path, namespace: 'builtin' };
      });
      bundler.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
        contents:
          args.path === 'commander-spawn'
            ? `module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };`
            : `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}
