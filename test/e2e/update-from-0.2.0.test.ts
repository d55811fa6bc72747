// Kernels made by release 0.2.0, the last to carry the runtime in kernel_runtime/, migrate to the runtime package.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINDS } from '../../src/kinds.js';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';
import { makeTempDir, REPO_ROOT, removeDir, runCli } from '../helpers/cli.js';
import { git } from '../helpers/template-versions.js';

// The repository's commit that is release 0.2.0: its whole CLI renders the kernels, as that release did.
const RELEASE_0_2_0_COMMIT = 'd436dc8';
const offline = { CREATE_CLUSTERA_KERNEL_OFFLINE: '1' };
const OWNER_LINE = '# The owner of this kernel wrote this line.';
const VENDORED = ['kernel_runtime', 'tests/runtime', 'tests/fakes.py', 'cursors.py', 'tests/test_cursors.py'];

let root: string;
let oldCli: string;

/** A kernel made by the 0.2.0 CLI, committed, with the owner's line at the end of main.py (committed too). */
async function oldKernel(name: string, kind: string): Promise<string> {
  const made = await execa('node', [oldCli, name, '--kind', kind, '--topic', 'orders', '--yes', '--no-install'], {
    cwd: root,
    env: offline,
    reject: false,
  });
  expect(made.exitCode, made.stderr).toBe(0);
  const kernel = join(root, name);
  writeFileSync(join(kernel, 'main.py'), `${readFileSync(join(kernel, 'main.py'), 'utf8')}${OWNER_LINE}\n`);
  await git(kernel, 'commit', '-qam', 'the owner edits main.py');
  return kernel;
}

beforeAll(async () => {
  root = makeTempDir('cck-update-0.2.0-');
  const release = join(root, 'release-0.2.0');
  await execa('sh', ['-c', `mkdir -p "$1" && git archive ${RELEASE_0_2_0_COMMIT} | tar -x -C "$1"`, 'sh', release], {
    cwd: REPO_ROOT,
  });
  // Built with its own lock file's dependencies, as its `npm pack` was (its build needs some that today's does not).
  await execa('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: release });
  await execa('node', ['scripts/build.mjs'], { cwd: release });
  oldCli = join(release, 'bin', 'create-clustera-kernel.js');
}, 180_000);
afterAll(() => removeDir(root));

describe.each(KINDS.map((kind) => kind.name))('update of a %s kernel made by 0.2.0', (kind) => {
  it('removes the vendored runtime, keeps the owner edit, passes check and its own tests', async () => {
    const kernel = await oldKernel(`old-${kind}`, kind);
    expect(existsSync(join(kernel, 'kernel_runtime', 'runner.py'))).toBe(true);
    const pending = await runCli(['check'], { cwd: kernel, env: offline });
    expect(pending.exitCode).toBe(1);
    expect(pending.stdout).toMatch(/Migration pending/);

    const run = await runCli(['update'], { cwd: kernel, env: offline });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/conflict/i);
    for (const path of VENDORED) expect(existsSync(join(kernel, path)), path).toBe(false);
    expect(readFileSync(join(kernel, 'main.py'), 'utf8')).toContain(OWNER_LINE);
    expect(readFileSync(join(kernel, 'pyproject.toml'), 'utf8')).toMatch(
      /"clustera-kernel-runtime[[\]a-z,]*>=0\.3,<0\.4"/,
    );
    const check = await runCli(['check'], { cwd: kernel, env: offline });
    expect(check.exitCode, check.stdout).toBe(0);

    const env = resolveUvEnvironment();
    await execa('uv', ['sync', '--quiet'], { cwd: kernel, env });
    const tests = await execa('uv', ['run', 'pytest', '-q', '-p', 'no:cacheprovider'], {
      cwd: kernel,
      env,
      reject: false,
      all: true,
    });
    expect(tests.exitCode, tests.all).toBe(0);
    expect(tests.all).toMatch(/\d+ passed/);
  }, 300_000);
});

describe('update of a 0.2.0 kernel whose vendored runtime was changed', () => {
  it('refuses an edited runtime file, names it, and writes nothing', async () => {
    const kernel = await oldKernel('edited-runtime', 'basic');
    const retry = join(kernel, 'kernel_runtime', 'retry.py');
    writeFileSync(retry, `${readFileSync(retry, 'utf8')}# tuned by the owner\n`);
    await git(kernel, 'commit', '-qam', 'the owner edits the runtime');
    const before = await git(kernel, 'rev-parse', 'HEAD');

    const run = await runCli(['update'], { cwd: kernel, env: offline });

    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/edited: kernel_runtime\/retry\.py/);
    expect(run.stderr).toMatch(/nothing was written/);
    expect(await git(kernel, 'status', '--porcelain')).toBe('');
    expect(await git(kernel, 'rev-parse', 'HEAD')).toBe(before);
  }, 120_000);

  it("refuses a file of the owner's under kernel_runtime/, before anything is written", async () => {
    const kernel = await oldKernel('added-runtime', 'http');
    writeFileSync(join(kernel, 'kernel_runtime', 'helpers.py'), 'VALUE = 1\n');
    await git(kernel, 'add', '-A');
    await git(kernel, 'commit', '-qm', 'the owner adds a module to the runtime');

    const run = await runCli(['update', '--dry-run'], { cwd: kernel, env: offline });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/not made by create-clustera-kernel: kernel_runtime\/helpers\.py/);

    const real = await runCli(['update'], { cwd: kernel, env: offline });
    expect(real.exitCode).toBe(1);
    expect(await git(kernel, 'status', '--porcelain')).toBe('');
    expect(existsSync(join(kernel, 'kernel_runtime', 'runner.py'))).toBe(true);
  }, 120_000);
});
