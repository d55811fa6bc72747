#!/usr/bin/env node
// Thin launcher: the bundled CLI lives in dist/ so the bin works from npx and from a clone after `npm run build`.
// Source maps must be on before the bundle loads for --debug traces to point into src/; off otherwise, as they cost start-up.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
const { main } = await import('../dist/cli.js');

process.exitCode = await main(process.argv);
