// A kernel made by release 0.1.0 updates cleanly to today's templates, renamed and moved files included.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINDS } from '../../src/kinds.js';
import { makeTempDir, REPO_ROOT, removeDir, runCli } from '../helpers/cli.js';
import { git, snapshotTree } from '../helpers/template-versions.js';

// The repository's baseline commit: its templates/ are the ones release 0.1.0 rendered.
const RELEASE_0_1_0_COMMIT = '998dc67';
const RELEASE_0_1_0_VERSION = '0.1.0';

/** Files 0.1.0 had that today's templates have under another name. */
const RENAMED: [string, string][] = [
  ['kernel_runtime/health.py', 'kernel_runtime/health_server.py'],
  ['kernel_runtime/healthcheck.py', 'kernel_runtime/health_probe.py'],
  ['tests/test_concurrency.py', 'tests/runtime/test_concurrency.py'],
  ['tests/test_runtime_loop.py', 'tests/runtime/test_runtime_loop.py'],
  ['tests/test_settings.py', 'tests/runtime/test_settings.py'],
  ['tests/test_health.py', 'tests/runtime/test_health_server.py'],
  ['tests/test_healthcheck.py', 'tests/runtime/test_health_probe.py'],
];

const offline = { CREATE_CLUSTERA_KERNEL_OFFLINE: '1' };

describe.each(KINDS.map((kind) => kind.name))('update of a %s kernel made by 0.1.0', (kind) => {
  let root: string;
  let releaseEnv: Record<string, string>;
  beforeAll(async () => {
    root = makeTempDir('cck-update-0.1.0-');
    await execa('sh', ['-c', `git archive ${RELEASE_0_1_0_COMMIT} templates | tar -x -C "$1"`, 'sh', root], {
      cwd: REPO_ROOT,
    });
    releaseEnv = {
      ...offline,
      CREATE_CLUSTERA_KERNEL_TEMPLATES: join(root, 'templates'),
      CREATE_CLUSTERA_KERNEL_VERSION: RELEASE_0_1_0_VERSION,
    };
  });
  afterAll(() => removeDir(root));

  it('applies without a conflict, leaves exactly a fresh render, and check passes', async () => {
    const created = await runCli(['old', '--kind', kind, '--topic', 'orders', '--yes', '--no-install'], {
      cwd: root,
      env: releaseEnv,
    });
    expect(created.exitCode, created.stderr).toBe(0);
    const kernel = join(root, 'old');
    for (const [before] of RENAMED) expect(existsSync(join(kernel, before)), before).toBe(true);
    expect(await git(kernel, 'status', '--porcelain')).toBe('');

    const run = await runCli(['update'], { cwd: kernel, env: offline });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/conflict/i);
    // Renamed by 0.2.0, then moved with the rest of the runtime into the clustera-kernel-runtime package by 0.3.0.
    for (const path of RENAMED.flat()) expect(existsSync(join(kernel, path)), path).toBe(false);
    expect(existsSync(join(kernel, 'kernel_runtime')), 'kernel_runtime/').toBe(false);

    const fresh = makeTempDir('cck-update-0.1.0-fresh-');
    const rendered = await runCli(['old', '--kind', kind, '--topic', 'orders', '--yes', '--no-install', '--no-git'], {
      cwd: fresh,
      env: offline,
    });
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    expect(snapshotTree(kernel)).toEqual(snapshotTree(join(fresh, 'old')));
    removeDir(fresh);
    expect((await runCli(['check'], { cwd: kernel, env: offline })).exitCode).toBe(0);
  });
});
