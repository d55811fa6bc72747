// Where the package's own files are, whether run from a clone (dist/) or from an npm install.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// Maintainer hook: render from another templates directory (tests build two real template versions this way).
export const TEMPLATES_DIR = process.env.CREATE_CLUSTERA_KERNEL_TEMPLATES
  ? resolve(process.env.CREATE_CLUSTERA_KERNEL_TEMPLATES)
  : join(PACKAGE_ROOT, 'templates');

export function generatorVersion(): string {
  // Maintainer hook, paired with the templates one: pretend to be another release of the generator.
  if (process.env.CREATE_CLUSTERA_KERNEL_VERSION) return process.env.CREATE_CLUSTERA_KERNEL_VERSION;
  return packageVersion();
}

/** This package's own version, whatever the maintainer hook says: the runtime it ships has the same. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
