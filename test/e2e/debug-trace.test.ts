// --debug traces point into src/ through the bundle's source maps; without --debug there is no trace at all.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, runCli } from '../helpers/cli.js';

describe('--debug (built CLI)', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = makeTempDir('cck-debug-');
  });
  afterEach(() => removeDir(cwd));

  // With --no-install --no-git the run stays in dist/fast.cjs; without, it goes through dist/cli.js and its chunks.
  it.each([
    ['the full CLI', []],
    ['dist/fast.cjs', ['--no-install', '--no-git']],
  ])('prints a stack trace mapped to the TypeScript sources (%s)', async (_bundle, extra) => {
    const run = await runCli(['k', '--answers', 'missing.json', '--yes', ...extra, '--debug'], { cwd });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/at readAnswersFile \(.*src\/create\/answers-file\.ts:\d+:\d+\)/);
    expect(run.stderr).toMatch(/src\/entry\/command-runner\.ts:\d+:\d+/);
  });

  it('prints one sentence and no trace without it', async () => {
    const run = await runCli(['k', '--answers', 'missing.json', '--yes'], { cwd });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining('Cannot read the answers file')]);
  });
});
