// Types for template-codegen.mjs, which the build runs as plain JavaScript and the unit tests import.
export declare class TemplateCompileError extends Error {}
export declare const RENDER_RUNTIME: string;
export declare function compileTemplate(
  source: string,
  partials?: ReadonlyMap<string, string>,
): { code: string; partials: string[] };
