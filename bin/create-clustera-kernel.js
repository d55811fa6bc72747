#!/usr/bin/env node
// Thin launcher, CommonJS so Node skips its ES module loader. dist/fast.cjs runs plain help and a create that asks
// nothing and installs nothing; any other command line goes to the full CLI in dist/cli.js, which loads the rest on demand.
// Source maps must be on before a bundle loads for --debug traces to point into src/; off otherwise, as they cost start-up.
'use strict';
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);

require('../dist/fast.cjs')
  .fastMain(process.argv)
  .then(async (code) => code ?? (await import('../dist/cli.js')).main(process.argv))
  .then((code) => {
    process.exitCode = code;
  });
