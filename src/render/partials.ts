// The partials of a templates directory (template-language.js says where they live), each read at most once a render.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PARTIALS_DIR, PARTIAL_SUFFIX } from './template-language.js';

export interface TemplatePartials {
  /** The partial's text, or undefined when the directory has no such partial. */
  text(name: string): string | undefined;
  /** Every partial by name, for Handlebars, which looks one up only while rendering. */
  all(): Map<string, string>;
}

export function templatePartials(templatesDir: string): TemplatePartials {
  const dir = join(templatesDir, PARTIALS_DIR);
  const read = new Map<string, string | undefined>();
  const text = (name: string): string | undefined => {
    if (!read.has(name)) read.set(name, readIfPresent(join(dir, `${name}${PARTIAL_SUFFIX}`)));
    return read.get(name);
  };
  const all = () => {
    const partials = new Map<string, string>();
    for (const name of partialNames(dir)) {
      const source = text(name);
      if (source !== undefined) partials.set(name, source);
    }
    return partials;
  };
  return { text, all };
}

function partialNames(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((file) => file.endsWith(PARTIAL_SUFFIX))
      .map((file) => file.slice(0, -PARTIAL_SUFFIX.length));
  } catch {
    return [];
  }
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
