#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ so the bin works from npx and from a clone after `npm run build`.
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv);
