// A kernel made from a clone names the clone's runtime/ folder as uv's source of clustera-kernel-runtime.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUNTIME_DISTRIBUTION } from '../render/runtime-dependency.js';

const PATH_SOURCE = new RegExp(`^${RUNTIME_DISTRIBUTION}\\s*=\\s*\\{[^}\\n]*\\bpath\\s*=\\s*"([^"\\n]+)"`, 'm');

/** The path pyproject.toml's [tool.uv.sources] gives the runtime, if it gives one. */
export function runtimePathSource(dir: string): string | undefined {
  try {
    return PATH_SOURCE.exec(readFileSync(join(dir, 'pyproject.toml'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}
