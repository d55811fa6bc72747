// Builds dist/: the CLI as one ESM bundle whose rarely needed parts (prompts, execa, kafkajs, infra) are lazy chunks,
// plus the infrastructure launchers for .ci/provision.sh and bench/ (not published).
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { build } from 'esbuild';
import Handlebars from 'handlebars';

// Bundled CommonJS packages still call require() for Node's built-ins; an ESM file has to provide it.
const requireShim = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

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

const cli = await build({
  ...shared,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  // Chunks sit beside cli.js so paths.ts finds the package root one level up from any of them.
  chunkNames: '[name]-[hash]',
  banner: { js: requireShim },
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  plugins: [precompiledTemplates(), builtinsThroughRequire()],
});
// The test that guards lazy loading reads which chunk holds which package from here.
writeFileSync('dist/bundle-meta.json', JSON.stringify(cli.metafile));

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

await build({
  ...shared,
  entryPoints: readdirSync('src/infra').filter((file) => file.endsWith('.ts')).map((file) => `src/infra/${file}`),
  outdir: 'dist/infra',
  chunkNames: 'shared-[hash]',
  packages: 'external',
});

// The bundle carries other packages' code, so their licences travel with it.
writeFileSync('dist/THIRD-PARTY-LICENSES.md', thirdPartyLicenses([...Object.keys(cli.metafile.inputs), ...Object.keys(compiler.metafile.inputs)]));

function thirdPartyLicenses(inputs) {
  const packageDirs = new Set(inputs.map((input) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1]).filter(Boolean));
  const sections = [...packageDirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
    const licenceFile = readdirSync(dir).find((file) => /^(licen[sc]e|copying)/i.test(file));
    const text = licenceFile ? readFileSync(`${dir}/${licenceFile}`, 'utf8').trim() : `License: ${pkg.license}`;
    return `## ${pkg.name}@${pkg.version} (${pkg.license})\n\n${text}\n`;
  });
  return `# Third-party licences\n\nThe bundle in this directory includes code from these packages.\n\n${sections.join('\n')}`;
}

// Swaps src/precompiled-templates.ts for every .hbs under templates/, compiled with plan.ts's options and keyed as it looks them up.
function precompiledTemplates() {
  return {
    name: 'precompiled-templates',
    setup(bundler) {
      bundler.onLoad({ filter: /src[\\/]precompiled-templates\.ts$/ }, () => {
        const entries = listFiles('templates')
          .filter((file) => file.endsWith('.hbs'))
          .map((file) => {
            const source = readFileSync(file, 'utf8');
            const key = createHash('sha256').update(source).digest('hex');
            return `  ${JSON.stringify(key)}: ${Handlebars.precompile(source, { noEscape: true, strict: true })},`;
          });
        const compilerModule = `export const TEMPLATE_COMPILER_MODULE = './template-compiler.cjs';\n`;
        return { contents: `${compilerModule}export const PRECOMPILED_TEMPLATES = {\n${entries.join('\n')}\n};\n`, loader: 'js' };
      });
    },
  };
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(`${dir}/${entry.name}`) : [`${dir}/${entry.name}`],
  );
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
        if (args.path === 'node:child_process' && /node_modules[\\/]commander[\\/]/.test(args.importer)) return { path: 'commander-spawn', namespace: 'builtin' };
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
