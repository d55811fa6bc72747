// Types for template-language.js, plain JavaScript so that the build scripts import it as it is.
export declare const TEMPLATE_OPTIONS: { readonly noEscape: true; readonly strict: true };
export declare const TEMPLATE_HELPERS: Readonly<Record<string, (...params: unknown[]) => unknown>>;
export declare const PARTIALS_DIR: 'partials';
export declare const PARTIAL_SUFFIX: '.hbs';
