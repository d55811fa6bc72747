// Types for template-codegen.mjs, which the build runs as plain JavaScript and the unit tests import.
export declare const RENDER_HELPERS: string;
export declare function templateToFunction(source: string): string | undefined;
