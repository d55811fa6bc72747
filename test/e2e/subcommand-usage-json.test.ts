// A flag a subcommand does not know, with --json: the one JSON object names that subcommand, not create.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, runCli } from '../helpers/cli.js';

describe('usage errors of subcommands in --json', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeTempDir('cck-usage-json-');
  });
  afterAll(() => removeDir(cwd));

  it.each(['test-run', 'update', 'check', 'kinds'])('%s --bogus --json', async (command) => {
    const run = await runCli([command, '--bogus', '--json'], { cwd });
    expect(run.exitCode).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({ ok: false, command, error: "unknown option '--bogus'", exitCode: 2 });
  });

  it('create keeps its own name', async () => {
    const run = await runCli(['my-kernel', '--bogus', '--json'], { cwd });
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, command: 'create', exitCode: 2 });
  });
});
