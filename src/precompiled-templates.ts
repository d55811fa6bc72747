// Handlebars templates compiled at build time, one module per template layer, keyed by their path in the layer and
// kept with the source they were compiled from; none when run from src/. scripts/build.mjs replaces this module in
// the bundles; a template whose source changed since is compiled at run time.
import type Handlebars from 'handlebars';

export type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

// What plan.ts require()s for a template that needs compiling: the package from src/, a CommonJS file beside the bundle.
export const TEMPLATE_COMPILER_MODULE = 'handlebars';

/** A template as the build left it: a plain render function, or Handlebars' compiled form for a richer template. */
export interface PrecompiledTemplate {
  source: string;
  render?: (context: object) => string;
  spec?: TemplateSpecification;
}

/** The compiled templates of one layer ('base', 'kinds/http'): a kernel loads only the layers it is made of. */
export function precompiledLayer(_layer: string): Readonly<Record<string, PrecompiledTemplate>> {
  return {};
}
