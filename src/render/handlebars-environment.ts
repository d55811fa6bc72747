// The Handlebars environment for templates the build did not compile: the shared helpers and the partials.
import type Handlebars from 'handlebars';
import { TEMPLATE_HELPERS } from './template-language.js';

/** `hbs` with every helper of template-language.js registered, checked for its number of parameters, and `partials`. */
export function templateEnvironment(hbs: typeof Handlebars, partials: ReadonlyMap<string, string>): typeof Handlebars {
  for (const [name, helper] of Object.entries(TEMPLATE_HELPERS)) {
    // Handlebars passes its options object last; the helpers take only the template's parameters.
    hbs.registerHelper(name, (...args: unknown[]) => {
      const params = args.slice(0, -1);
      if (params.length !== helper.length)
        throw new Error(`helper ${name} takes ${helper.length} parameter(s), got ${params.length}`);
      return helper(...params);
    });
  }
  for (const [name, source] of partials) hbs.registerPartial(name, source);
  return hbs;
}
