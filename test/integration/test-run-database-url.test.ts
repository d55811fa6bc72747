// test-run of a database kernel whose .env points DATABASE_URL at nothing: one sentence at once, not a kernel
// retrying a dead database until the timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuietKernel, makeTempDir, removeDir } from '../helpers/cli.js';
import { requireInfra, sharedInfra } from '../setup/infra.js';
import { testRun, writeDotEnv } from './harness/test-run.js';

describe.skipIf(!sharedInfra())('test-run with an unreachable DATABASE_URL', () => {
  let root: string;
  beforeAll(() => {
    root = makeTempDir('cck-it-dburl-');
  });
  afterAll(() => removeDir(root));

  it('fails with one sentence naming DATABASE_URL before the kernel runs', async () => {
    const dir = await createQuietKernel(root, 'db-nowhere', 'database');
    writeDotEnv(dir, {
      KAFKA_BOOTSTRAP_SERVERS: requireInfra().kafka.bootstrapServers,
      DATABASE_URL: 'postgresql://user:secret@127.0.0.1:1/kernel',
    });
    const run = await testRun(dir, ['--messages', '5', '--timeout', '60']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.result.error).toMatch(
      /^Could not connect to PostgreSQL at DATABASE_URL \(connect ECONNREFUSED 127\.0\.0\.1:1\): check it in the kernel's \.env, or pass --local for a local stand-in\.$/,
    );
    expect(run.result.messages.produced, 'nothing is sent to a kernel that cannot store it').toBe(0);
    expect(run.result.logTail, 'the kernel never started').toBeNull();
  });
});
