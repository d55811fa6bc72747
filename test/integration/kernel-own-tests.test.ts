// A kernel's own integration test (what its CI workflow runs against a Kafka service) passes against a real broker.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';
import { sharedInfra } from '../setup/infra.js';
import { useKernelSuite } from './harness/kernel-suite.js';

describe.skipIf(!sharedInfra())("a kernel's own pytest suite on a real broker", () => {
  const suite = useKernelSuite('basic', 'own');

  it('runs tests/test_integration.py instead of skipping it, and passes', async () => {
    const env = { ...resolveUvEnvironment(), KAFKA_BOOTSTRAP_SERVERS: suite.infra.kafka.bootstrapServers };
    const result = await execa('uv', ['run', 'pytest', '-q', '-m', 'integration'], {
      cwd: suite.project.dir,
      env,
      reject: false,
      all: true,
    });
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).toMatch(/\b1 passed\b/);
    expect(result.all).not.toMatch(/skipped/);
  });
});
