// A stand-in's planned outage (test-run --outage): it answers 503 from begin() until the given time has passed.
import type { Reply } from './recording-server.js';

export interface Outage {
  readonly down: boolean;
  begin(ms: number): void;
}

export function plannedOutage(now: () => number = Date.now): Outage {
  let until = 0;
  return {
    get down() {
      return now() < until;
    },
    begin(ms) {
      until = now() + ms;
    },
  };
}

export const OUTAGE_MESSAGE = 'stand-in outage (test-run --outage)';
export const OUTAGE_REPLY: Reply = { status: 503, body: { error: OUTAGE_MESSAGE } };
