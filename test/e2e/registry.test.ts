// The npx path against a real npm registry (a local Verdaccio holding two releases): a kernel made with
// `npm create` at the older release is updated with `npx` at the newer one, with no git history to find the old
// render in, so the merge base can only be the older release fetched from the registry; offline it never asks.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NpmRegistry, startNpmRegistry } from '../infra/npm-registry.js';
import { makeTempDir, removeDir } from '../helpers/cli.js';
import {
  CHANGED_FILE,
  NEW_RELEASE,
  OLD_RELEASE,
  OLD_RELEASE_LINE,
  publishTwoReleases,
} from '../helpers/published-releases.js';
import { editFile, git, makeDir } from '../helpers/template-versions.js';

const USER_LINE = '# Orders from the shop, forwarded unchanged.';
const OLD_TARBALL_REQUEST = `GET /create-clustera-kernel/-/create-clustera-kernel-${OLD_RELEASE}.tgz`;

interface Run {
  exitCode: number;
  output: string;
}

describe('npm create and npx update against a registry', () => {
  let registry: NpmRegistry;
  let root: string;

  beforeAll(async () => {
    root = makeTempDir('cck-registry-');
    registry = await startNpmRegistry();
    await publishTwoReleases(registry, join(root, 'releases'));
  }, 240_000);
  afterAll(async () => {
    await registry?.stop();
    if (root) removeDir(root);
  });

  // Each run gets its own generator cache, so an old release is never found already unpacked.
  function userEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...registry.clientEnv,
      NO_COLOR: '1',
      CREATE_CLUSTERA_KERNEL_OFFLINE: '',
      CREATE_CLUSTERA_KERNEL_CACHE: mkdtempSync(join(root, 'generator-cache-')),
      ...extra,
    };
  }

  async function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
    const result = await execa(command, args, { cwd, env, reject: false, all: true, stdin: 'ignore' });
    return { exitCode: result.exitCode ?? -1, output: result.all ?? '' };
  }

  /** Made by the older release as a user types it, edited, and committed to a fresh repository without its history. */
  async function editedKernelFromOldRelease(name: string): Promise<string> {
    const cwd = makeDir(join(root, name));
    // npm create hands everything after `--` to the package's bin; without it npm takes the flags for itself.
    const created = await run(
      'npm',
      [
        'create',
        `clustera-kernel@${OLD_RELEASE}`,
        name,
        '--',
        '--kind',
        'http',
        '--topic',
        't',
        '--yes',
        '--no-install',
      ],
      cwd,
      userEnv(),
    );
    expect(created.exitCode, created.output).toBe(0);
    const kernel = join(cwd, name);
    const manifest = JSON.parse(readFileSync(join(kernel, '.clustera-kernel.json'), 'utf8'));
    expect(manifest.generator.version).toBe(OLD_RELEASE);
    expect(readFileSync(join(kernel, CHANGED_FILE), 'utf8')).toContain(OLD_RELEASE_LINE);

    editFile(kernel, CHANGED_FILE, (text) => `${USER_LINE}\n${text}`);
    rmSync(join(kernel, '.git'), { recursive: true, force: true });
    await git(kernel, 'init', '-q');
    await git(kernel, 'add', '-A');
    await git(kernel, 'commit', '-qm', 'Kernel as it stands');
    return kernel;
  }

  it('merges the template change into the edited file with the old release from the registry as the base', async () => {
    const kernel = await editedKernelFromOldRelease('online-kernel');
    const before = (await registry.requests()).length;

    const updated = await run('npx', ['--yes', `create-clustera-kernel@${NEW_RELEASE}`, 'update'], kernel, userEnv());

    expect(updated.exitCode, updated.output).toBe(0);
    expect(updated.output).toMatch(new RegExp(`merged\\s+${CHANGED_FILE}`));
    expect(updated.output).not.toMatch(/conflict/i);
    const merged = readFileSync(join(kernel, CHANGED_FILE), 'utf8');
    expect(merged.startsWith(`${USER_LINE}\n`)).toBe(true);
    expect(merged).not.toContain(OLD_RELEASE_LINE);
    expect(merged).not.toContain('<<<<<<<');
    const manifest = JSON.parse(readFileSync(join(kernel, '.clustera-kernel.json'), 'utf8'));
    expect(manifest.generator.version).toBe(NEW_RELEASE);
    expect((await registry.requests()).slice(before)).toContain(OLD_TARBALL_REQUEST);
  });

  it('never asks the registry when offline, and merges two-way instead', async () => {
    const kernel = await editedKernelFromOldRelease('offline-kernel');
    // Installed beforehand, so that running it needs no registry and every request would be the update's own.
    const tools = makeDir(join(root, 'installed'));
    const install = await run('npm', ['install', '--prefix', tools, `create-clustera-kernel@${NEW_RELEASE}`], tools, {
      ...registry.clientEnv,
    });
    expect(install.exitCode, install.output).toBe(0);
    const bin = join(tools, 'node_modules', 'create-clustera-kernel', 'bin', 'create-clustera-kernel.js');
    expect(existsSync(bin)).toBe(true);
    const before = await registry.requests();

    const updated = await run(
      process.execPath,
      [bin, 'update'],
      kernel,
      userEnv({ CREATE_CLUSTERA_KERNEL_OFFLINE: '1' }),
    );

    expect(await registry.requests()).toEqual(before);
    expect(updated.exitCode, updated.output).toBe(1);
    expect(updated.output).toMatch(/conflict/i);
    const merged = readFileSync(join(kernel, CHANGED_FILE), 'utf8');
    expect(merged).toContain(USER_LINE);
    expect(merged).toContain('<<<<<<< yours');
  });
});
