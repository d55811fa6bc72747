// Handlebars templates compiled at build time, keyed by the SHA-256 of their source; empty when run from src/.
// scripts/build.mjs replaces this module in the bundle; a template whose source changed since is compiled at run time.
import type Handlebars from 'handlebars';

export type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

// What plan.ts require()s for a template that needs compiling: the package from src/, a CommonJS file beside the bundle.
export const TEMPLATE_COMPILER_MODULE = 'handlebars';

export const PRECOMPILED_TEMPLATES: Readonly<Record<string, TemplateSpecification>> = {};
