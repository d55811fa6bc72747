// Types for precompile-templates.mjs, which the build runs as plain JavaScript and the unit tests import.
import type { Plugin } from 'esbuild';

export declare function precompiledTemplates(templatesDir?: string, outDir?: string): Plugin;
export declare function compiledLayers(templatesDir: string): Map<string, { module: string; sources: string }>;
