// The golden render of each kind: one fixed set of answers, every file of the plan with its executable bit.
import { join } from 'node:path';
import type { KindName } from '../../src/kinds.js';
import { withManifest } from '../../src/render/manifest.js';
import { TEMPLATES_DIR } from '../../src/paths.js';
import { renderPlan } from '../../src/render/plan.js';

export const GOLDEN_DIR = join(import.meta.dirname, '..', 'unit', 'golden');

/** `schema`, `outputSchema`: kernel paths of schema files, for the renders of typed kernels. */
export function goldenFiles(kind: KindName, schema?: string, outputSchema?: string): Map<string, string> {
  const answers = {
    name: 'golden-kernel',
    topic: 'golden.events',
    kind,
    group: 'golden-kernel-group',
    ...(schema ? { schema } : {}),
    ...(outputSchema ? { outputSchema } : {}),
  };
  // Rendered as a released CLI renders it: no path of this machine in the golden files.
  const plan = withManifest(renderPlan(answers, '0.0.0-golden', TEMPLATES_DIR, null));
  return new Map(plan.files.map((file) => [`${file.path}${file.executable ? ' (executable)' : ''}`, file.contents]));
}

export function renderGolden(kind: KindName, schema?: string, outputSchema?: string): string {
  return formatGolden(goldenFiles(kind, schema, outputSchema));
}

/** One text of every file, each under a `===== path =====` header. */
export function formatGolden(files: Map<string, string>): string {
  return [...files].map(([header, contents]) => `===== ${header} =====\n${contents}`).join('\n');
}

/** Splits a golden file back into its files (header → contents). */
export function parseGolden(text: string): Map<string, string> {
  const files = new Map<string, string>();
  const parts = text.split(/^===== (.+) =====\n/m);
  for (let i = 1; i < parts.length; i += 2) {
    const contents = parts[i + 1] ?? '';
    // renderGolden joins files with one extra newline; take it off again, except after the last file.
    files.set(parts[i]!, i + 2 < parts.length ? contents.slice(0, -1) : contents);
  }
  return files;
}
