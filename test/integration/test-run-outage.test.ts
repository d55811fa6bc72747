// test-run --outage with the built CLI against the suite's broker: each kind's local stand-in goes down for the
// kernel's first seconds (PostgreSQL really stopped), and the summary shows the circuit opening and closing, as the
// kernel's /metrics told it.
import { describe, expect, it } from 'vitest';
import type { KindName } from '../../src/kinds.js';
import { removeDir } from '../helpers/cli.js';
import { requireInfra, sharedInfra } from '../setup/infra.js';
import { generateAndInstallKernel } from './harness/kernel-project.js';
import { testRun } from './harness/test-run.js';

const MESSAGES = 200;
const OUTAGE_S = 10;

describe.skipIf(!sharedInfra())('test-run --outage', () => {
  it.each<KindName>(['http', 'database', 'ai'])(
    '%s: the stand-in is down for 10 s, the circuit opens and closes, nothing is dead-lettered',
    async (kind) => {
      const project = await generateAndInstallKernel(kind);
      try {
        const { result, stderr } = await testRun(project.dir, [
          '--local',
          '--bootstrap-server',
          requireInfra().kafka.bootstrapServers,
          '--messages',
          String(MESSAGES),
          '--outage',
          String(OUTAGE_S),
        ]);

        expect(result.ok, `${stderr}\n${JSON.stringify(result.checks, null, 2)}`).toBe(true);
        expect(result.messages).toEqual({ produced: MESSAGES, processed: MESSAGES, deadLettered: 0 });
        expect(result.effect.count, 'the effect of every message once the stand-in was back').toBe(MESSAGES);
        expect(result.outage?.seconds).toBe(OUTAGE_S);
        // Timers may fire a millisecond early.
        expect(result.outage?.backAfterS, 'the stand-in came back').toBeGreaterThanOrEqual(OUTAGE_S - 0.05);
        expect(result.outage?.circuit.opened, 'the circuit opened once').toBe(1);
        expect(result.outage?.circuit.closed, 'and closed once').toBe(1);
        expect(result.outage?.circuit.dependencies, 'one dependency').toHaveLength(1);
        // The kernel starts (and PostgreSQL's pool gives up on a connection) some seconds into the outage.
        expect(result.outage?.circuit.openSeconds, 'open for part of the outage').toBeGreaterThan(0);
        expect(result.outage?.circuit.openSeconds, 'not longer than the outage').toBeLessThan(OUTAGE_S + 30);
        expect(
          result.checks.map((check) => [check.name, check.ok]),
          'the outage checks',
        ).toEqual(
          expect.arrayContaining([
            ['circuit opened during the outage', true],
            ['circuit closed once the dependency was back', true],
            ['nothing dead-lettered for the outage', true],
          ]),
        );
        expect(stderr, 'the human summary').toMatch(
          /outage {5}stand-in down for the first 10 s \(back after [\d.]+ s\); circuit opened \(.+\), closed after [\d.]+ s open; 0 dead-lettered/,
        );
        console.log(`[test-run --outage ${kind}] ${stderr.split('\n').find((line) => line.includes('outage     '))}`);
      } finally {
        removeDir(project.root);
      }
    },
    240_000,
  );
});
