// What integration tests use to reach the shared infrastructure started by global-setup.ts.
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import type { IntegrationInfra } from "./provided.js";

/** False when this run skips integration tests (never in CI); use with describe.skipIf(!infraAvailable()). */
export function infraAvailable(): boolean {
  return inject("infra") !== null;
}

/** The shared broker and database; call it inside tests and hooks, which do not run when skipped. */
export function requireInfra(): IntegrationInfra {
  const infra = inject("infra");
  if (infra === null) throw new Error(`integration infrastructure unavailable: ${inject("infraSkipReason")}`);
  return infra;
}

/** Names are unique per test so tests sharing one broker never see each other's topics or groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}
