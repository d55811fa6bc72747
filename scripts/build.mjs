// Builds dist/: the CLI as one ESM bundle whose rarely needed parts (prompts, execa, kafkajs, infra) are lazy chunks,
// plus the infrastructure launchers for .ci/provision.sh and bench/ (not published).
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

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
});
// The test that guards lazy loading reads which chunk holds which package from here.
writeFileSync('dist/bundle-meta.json', JSON.stringify(cli.metafile));

await build({
  ...shared,
  entryPoints: readdirSync('src/infra').filter((file) => file.endsWith('.ts')).map((file) => `src/infra/${file}`),
  outdir: 'dist/infra',
  chunkNames: 'shared-[hash]',
  packages: 'external',
});

// The bundle carries other packages' code, so their licences travel with it.
writeFileSync('dist/THIRD-PARTY-LICENSES.md', thirdPartyLicenses(Object.keys(cli.metafile.inputs)));

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
