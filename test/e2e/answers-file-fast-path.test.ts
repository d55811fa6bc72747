// The fast path (dist/fast.cjs) is chosen from the resolved inputs, answers file included: a file that asks for
// install, git or test-run sends create to the full CLI before anything is written, and one that refuses them
// lets a create run from dist/fast.cjs alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTempDir, removeDir, runCli } from '../helpers/cli.js';

const LOAD_HOOK = pathToFileURL(join(REPO_ROOT, 'test', 'helpers', 'module-load-log.mjs')).href;
const FULL_CLI = pathToFileURL(join(REPO_ROOT, 'dist', 'cli.js')).href;

describe('an answers file and the fast path (built CLI)', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = makeTempDir('cck-answers-fast-');
  });
  afterEach(() => removeDir(cwd));

  /** Runs the CLI with `answers` as a.json; returns the run and whether the full CLI was loaded. */
  async function createWithAnswers(answers: object, args: string[], env: Record<string, string> = {}) {
    writeFileSync(join(cwd, 'a.json'), JSON.stringify(answers));
    const log = join(cwd, 'modules.log');
    const run = await runCli([...args, '--answers', 'a.json'], {
      cwd,
      nodeArgs: ['--import', LOAD_HOOK],
      env: { CCK_MODULE_LOG: log, ...env },
    });
    const loaded = readFileSync(log, 'utf8').split('\n');
    return { run, fullCli: loaded.includes(FULL_CLI) };
  }

  it('"testRun": true runs the test-run instead of failing inside the fast path after the write', async () => {
    // A CA certificate that is not base64 stops the test-run at once, before any broker is sought.
    const env = { KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:1', KAFKA_CA_CERT: 'garbage!!not-base64', CI: '1' };
    const { run, fullCli } = await createWithAnswers(
      { testRun: true },
      ['fp', '--kind', 'basic', '--topic', 't', '--yes', '--no-install', '--no-git', '--json'],
      env,
    );
    expect(run.stderr).not.toContain('internal error');
    expect(fullCli).toBe(true);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ command: 'create', ok: false, testRun: { ok: false } });
    expect(result.files.length).toBeGreaterThan(0);
    expect(existsSync(join(cwd, 'fp', '.clustera-kernel.json'))).toBe(true);
    expect(run.exitCode).toBe(1);
  });

  it('"git": true with no git flag goes to the full CLI, which makes the first commit', async () => {
    const { run, fullCli } = await createWithAnswers({ git: true, install: false }, ['gk', '--kind', 'basic', '--yes']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(fullCli).toBe(true);
    expect(existsSync(join(cwd, 'gk', '.git'))).toBe(true);
  });

  it('"install": false and "git": false in the file let the create run from dist/fast.cjs alone', async () => {
    const { run, fullCli } = await createWithAnswers({ install: false, git: false, kind: 'http' }, ['fk', '--yes']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(fullCli).toBe(false);
    expect(JSON.parse(readFileSync(join(cwd, 'fk', '.clustera-kernel.json'), 'utf8')).answers.kind).toBe('http');
    expect(existsSync(join(cwd, 'fk', '.git'))).toBe(false);
  });

  it('a flag still wins over the file: --no-git with "git": true stays on the fast path and runs no git', async () => {
    const { run, fullCli } = await createWithAnswers({ git: true }, [
      'nk',
      '--kind',
      'basic',
      '--yes',
      '--no-install',
      '--no-git',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(fullCli).toBe(false);
    expect(existsSync(join(cwd, 'nk', '.git'))).toBe(false);
  });

  it('an unreadable answers file is reported by the full CLI and nothing is written', async () => {
    const log = join(cwd, 'modules.log');
    const run = await runCli(
      ['bad', '--kind', 'basic', '--yes', '--no-install', '--no-git', '--answers', 'missing.json'],
      { cwd, nodeArgs: ['--import', LOAD_HOOK], env: { CCK_MODULE_LOG: log } },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe('error: Cannot read the answers file "missing.json"; check the path.');
    expect(existsSync(join(cwd, 'bad'))).toBe(false);
  });
});
