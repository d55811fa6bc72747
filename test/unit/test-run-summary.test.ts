// test-run's summary: the whole run's time apart from the kernel's own rate.
import { describe, expect, it } from 'vitest';
import { formatSummary, type TestRunResult } from '../../src/test-run/summary.js';

function result(overrides: Partial<TestRunResult>): TestRunResult {
  return {
    ok: true,
    command: 'test-run',
    directory: '/k',
    kind: 'basic',
    broker: { from: 'local', bootstrapServers: '127.0.0.1:9092', version: '4.0.0', route: 'java', brokers: 1 },
    topic: 't.testrun.1',
    dlqTopic: 't.testrun.1.dlq',
    group: 'g.testrun.1',
    samplesFrom: 'tests/sample_messages.jsonl',
    messages: { produced: 100, processed: 100, deadLettered: 0 },
    wallSeconds: 15.44,
    brokerStartSeconds: 9.08,
    kernelSeconds: 1.2,
    messagesPerSecond: 100 / 1.2,
    latency: { processingSeconds: null, produceToCommitSeconds: null },
    standIns: [],
    effect: { label: 'messages logged', count: null, expected: 100 },
    kernelExitCode: 0,
    topicsDeleted: true,
    keptTopics: [],
    environment: 'synced',
    outage: null,
    checks: [],
    error: null,
    logTail: null,
    exitCode: 0,
    ...overrides,
  };
}

const timeLine = (text: string) => text.split('\n').find((line) => line.startsWith('  time '));

describe('test-run summary: time', () => {
  it('gives the whole run with its broker start apart from the kernel, first message to last commit', () => {
    expect(timeLine(formatSummary(result({})))).toBe(
      '  time       15.4 s in all (broker start 9.1 s); kernel 1.2 s from first message to last commit, 83.3 msg/s',
    );
  });

  it('leaves the broker start out for a configured broker and rounds large rates', () => {
    const configured = result({
      broker: { from: 'flag', bootstrapServers: 'kafka:9092', version: null, route: null, brokers: 3 },
      brokerStartSeconds: null,
      messages: { produced: 20000, processed: 20000, deadLettered: 0 },
      kernelSeconds: 8,
      messagesPerSecond: 2500,
    });
    expect(timeLine(formatSummary(configured))).toBe(
      '  time       15.4 s in all; kernel 8.0 s from first message to last commit, 2,500 msg/s',
    );
  });

  it('says the rate was not measured when the commits never reached the end', () => {
    const failed = result({ ok: false, error: 'timeout', kernelSeconds: null, messagesPerSecond: null });
    expect(timeLine(formatSummary(failed))).toBe(
      '  time       15.4 s in all (broker start 9.1 s); kernel rate not measured (its commits never reached the end)',
    );
  });
});

const outageLine = (text: string) => text.split('\n').find((line) => line.startsWith('  outage '));

describe('test-run summary: outage', () => {
  const withCircuit = (circuit: NonNullable<TestRunResult['outage']>['circuit']) =>
    formatSummary(result({ outage: { seconds: 10, backAfterS: 10.02, circuit } }));

  it("gives the circuit's openings, its dependency and how long it was seen open", () => {
    expect(outageLine(withCircuit({ opened: 1, closed: 1, openSeconds: 7.25, dependencies: ['http-api'] }))).toBe(
      '  outage     stand-in down for the first 10 s (back after 10.0 s); circuit opened (1 opening(s) of http-api), closed after 7.3 s open; 0 dead-lettered',
    );
  });

  it('says when the circuit never opened or was still open', () => {
    expect(outageLine(withCircuit({ opened: 0, closed: 0, openSeconds: null, dependencies: [] }))).toContain(
      'circuit never opened, never closed',
    );
    expect(outageLine(withCircuit({ opened: 1, closed: 0, openSeconds: 3, dependencies: ['postgres'] }))).toContain(
      'circuit opened (1 opening(s) of postgres), still open at the end',
    );
  });
});
