// What integration tests use to reach the shared infrastructure started by global-setup.ts.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { IntegrationInfra } from './provided.js';

/** False when this run skips integration tests (never in CI). */
export function infraAvailable(): boolean {
  return inject('infra') !== null;
}

/**
 * The shared broker and database, or undefined when this run skips integration tests (never in CI).
 * Skip with describe.skipIf(!infraAvailable()); read the values through requireInfra() inside tests and hooks,
 * because a skipped describe's body still runs.
 */
export function sharedInfra(): IntegrationInfra | undefined {
  return inject('infra') ?? undefined;
}

/** The shared broker and database; call it inside tests and hooks, which do not run when skipped. */
export function requireInfra(): IntegrationInfra {
  const infra = inject('infra');
  if (infra === null) throw new Error(`integration infrastructure unavailable: ${inject('infraSkipReason')}`);
  return infra;
}

/** Names are unique per test so tests sharing one broker never see each other's topics or groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
