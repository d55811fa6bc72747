// kinds: the table of kinds, as text or JSON, straight from src/kinds.ts: what each installs through the runtime's extra.
import { BASE_DEPENDENCIES, BASE_ENV, KINDS } from '../kinds.js';
import { runtimeRequirement } from '../render/runtime-dependency.js';

export interface KindsListing {
  base: { dependencies: string[]; env: typeof BASE_ENV };
  kinds: typeof KINDS;
}

export function listKinds(): KindsListing {
  return { base: { dependencies: BASE_DEPENDENCIES, env: BASE_ENV }, kinds: KINDS };
}

export function formatKinds(listing: KindsListing): string {
  const lines: string[] = [];
  for (const kind of listing.kinds) {
    lines.push(`${kind.name} — ${kind.description}`);
    lines.push(`  runtime: ${runtimeRequirement(kind.runtimeExtra ? [kind.runtimeExtra] : [])}`);
    lines.push(`  dependencies: ${[...listing.base.dependencies, ...kind.dependencies].join(', ')}`);
    const env = kind.env.map((v) => (v.required ? `${v.name} (required)` : v.name));
    lines.push(`  environment: KAFKA_* and runtime settings${env.length ? `, ${env.join(', ')}` : ''}`);
    lines.push('');
  }
  lines.push(`Every kind reads: ${listing.base.env.map((v) => v.name).join(', ')}`);
  return lines.join('\n');
}
