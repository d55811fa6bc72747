// Every kind's observability/: the alert rules pass `promtool check rules` and their own `promtool test rules`, the
// dashboard's queries parse as PromQL, and every metric they name is one the kernel's /metrics really serves.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';
import { KINDS } from '../../src/kinds.js';
import { createQuietKernel, makeTempDir, removeDir } from '../helpers/cli.js';
import { promtool } from '../helpers/linters.js';

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

function dashboardExpressions(kernel: string): string[] {
  const dashboard = JSON.parse(readFileSync(join(kernel, 'observability', 'dashboard.json'), 'utf8')) as Dashboard;
  return dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
}

function alertExpressions(kernel: string): string[] {
  const rules = readFileSync(join(kernel, 'observability', 'alerts.yml'), 'utf8');
  return [...rules.matchAll(/^\s+expr: (.+)$/gm)].map((match) => match[1]!);
}

/** Metric names a PromQL expression reads (the kernel's own, the process collector's, and Prometheus' `up`). */
function metricNames(expression: string): string[] {
  return [...expression.matchAll(/\b(clustera_kernel_\w+|process_\w+|up)\b(?=\s*[{[)\s])/g)].map((m) => m[1]!);
}

// Every family of the runtime with at least one sample, exactly as /metrics renders it.
const RENDER_METRICS = `
import json
from kernel_runtime.metrics import Metrics
metrics = Metrics()
metrics.count_message("dead_lettered")
metrics.count_error("retryable")
metrics.count_retry()
metrics.observe_processed(0.01)
metrics.set_in_flight(1, {("t", 0): 0})
partition = {"consumer_lag": 3, "committed_offset": 7}
metrics.record_statistics(json.dumps({"topics": {"t": {"partitions": {"0": partition}}}}))
print(metrics.render())
`;

describe.each(KINDS.map((k) => k.name))('%s kernel observability/', (kind) => {
  let cwd: string;
  let kernel: string;

  beforeAll(async () => {
    cwd = makeTempDir(`cck-obs-${kind}-`);
    kernel = await createQuietKernel(cwd, `obs-${kind}`, kind);
  });
  afterAll(() => removeDir(cwd));

  it('has alert rules that promtool accepts and whose own unit tests pass', async () => {
    const observability = join(kernel, 'observability');
    const check = await promtool(['check', 'rules', 'alerts.yml'], observability);
    expect(check.exitCode, check.all).toBe(0);
    expect(check.all).toContain('SUCCESS: 4 rules found');
    const test = await promtool(['test', 'rules', 'alerts.test.yml'], observability);
    expect(test.exitCode, test.all).toBe(0);
    expect(test.all).toContain('SUCCESS');
  });

  it('has a dashboard whose queries are valid PromQL', async () => {
    const expressions = dashboardExpressions(kernel);
    expect(expressions.length).toBeGreaterThanOrEqual(8);
    // Grafana's variables become what Prometheus would see once Grafana substitutes them.
    const rules = expressions.map((expr, i) => ({
      record: `dashboard:panel_${i}`,
      expr: expr.replaceAll('$job', `obs-${kind}`).replaceAll('$__rate_interval', '1m'),
    }));
    writeFileSync(join(cwd, 'dashboard-rules.yml'), JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
    const check = await promtool(['check', 'rules', 'dashboard-rules.yml'], cwd);
    expect(check.exitCode, check.all).toBe(0);
  });

  it.runIf(kind === 'basic')(
    'names only metrics the kernel exports',
    async () => {
      const env = { ...resolveUvEnvironment(), KAFKA_BOOTSTRAP_SERVERS: '' };
      const sync = await execa('uv', ['sync', '--quiet'], { cwd: kernel, env, reject: false, all: true });
      expect(sync.exitCode, sync.all).toBe(0);
      const rendered = await execa('uv', ['run', 'python', '-c', RENDER_METRICS], { cwd: kernel, env, all: true });
      const exported = new Set(
        rendered.stdout
          .split('\n')
          .filter((line) => line !== '' && !line.startsWith('#'))
          .map((line) => /^[^{ ]+/.exec(line)![0]),
      );
      exported.add('up');
      const named = [...dashboardExpressions(kernel), ...alertExpressions(kernel)].flatMap(metricNames);
      expect(new Set(named).size).toBeGreaterThanOrEqual(10);
      expect([...new Set(named)].filter((name) => !exported.has(name))).toEqual([]);
    },
    300_000,
  );
});
