// What a kernel template may use, in one place for both renderers: Handlebars at run time (plan.ts) and the plain
// functions the build generates (scripts/template-codegen.mjs, which embeds each helper's source as written here).

/** Handlebars' options for every template; the generated functions follow the same rules. */
export const TEMPLATE_OPTIONS = Object.freeze({ noEscape: true, strict: true });

/**
 * The helpers, by name. Each takes exactly its declared parameters; a call with more or fewer is an error. Each is a
 * self-contained function expression: the build copies its source into the generated modules.
 */
export const TEMPLATE_HELPERS = Object.freeze({
  json: (value) => JSON.stringify(value),
});

/** Partials: `{{> name}}` is `<templates>/partials/<name>.hbs`, a directory no kind renders as a file. */
export const PARTIALS_DIR = 'partials';
export const PARTIAL_SUFFIX = '.hbs';
