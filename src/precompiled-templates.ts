// What the build made of each template layer, keyed by path in the layer and kept with the source it was made from:
// templates compiled to functions, and the hashes of the files copied as they are. None when run from src/;
// scripts/build.mjs replaces this module in the bundles. A file changed since the build is handled as if never seen.
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

/** The build's SHA-256 of a file the layer copies as it is, when `raw` is exactly the text the build hashed. */
export function copiedFileSha256(_layer: string, _file: string, _raw: string): string | undefined {
  return undefined;
}
