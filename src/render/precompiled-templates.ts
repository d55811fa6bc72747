// What the build made of each template layer, keyed by path in the layer: templates compiled to functions, and the
// hashes of the files copied as they are. Each is used only while the file is exactly the text the build saw; a file
// changed since is handled as if the build never saw it. Nothing when run from src/: scripts/build.mjs replaces this
// module in the bundles.
import type Handlebars from 'handlebars';

export type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

// What plan.ts require()s for a template that needs compiling: the package from src/, a CommonJS file beside the bundle.
export const TEMPLATE_COMPILER_MODULE = 'handlebars';

/** A template as the build left it: a plain render function, or Handlebars' compiled form for a richer template. */
export interface PrecompiledTemplate {
  render?: (context: object) => string;
  spec?: TemplateSpecification;
}

/** The build's compiled form of a template of a layer ('base', 'kinds/http'), when `raw` is exactly its source. */
export function precompiledTemplate(_layer: string, _file: string, _raw: string): PrecompiledTemplate | undefined {
  return undefined;
}

/** The build's SHA-256 of a file the layer copies as it is, when `raw` is exactly the text the build hashed. */
export function copiedFileSha256(_layer: string, _file: string, _raw: string): string | undefined {
  return undefined;
}
