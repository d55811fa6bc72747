// What the build made of each template layer, keyed by path in the layer: templates compiled to functions. Each is
// used only while the template, and every partial it uses, is exactly the text the build saw; a template changed since
// is handled as if the build never saw it. Nothing when run from src/: scripts/precompile-templates.mjs replaces this
// module in the bundles.

// What plan.ts require()s for a template that needs compiling: the package from src/, a CommonJS file beside the bundle.
export const TEMPLATE_COMPILER_MODULE = 'handlebars';

/** A template as the build left it: a plain render function. */
export interface PrecompiledTemplate {
  render: (context: object) => string;
}

/**
 * The build's compiled form of a template of a layer ('base', 'kinds/http'), when `raw` is exactly its source and
 * `partialText` gives exactly the source of each partial it uses.
 */
export function precompiledTemplate(
  _layer: string,
  _file: string,
  _raw: string,
  _partialText: (name: string) => string | undefined,
): PrecompiledTemplate | undefined {
  return undefined;
}
