// Renovate itself (local platform, lookups only) in a kernel made by an older release, against a local registry
// holding a newer one: the kernel's renovate.json must make it propose the generator release bump, and its
// post-upgrade commands, run as Renovate runs them after its bump, must bring the kernel to the newer release.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NpmRegistry, startNpmRegistry } from '../infra/npm-registry.js';
import { ensureNpmTool, RENOVATE } from '../infra/npm-tools.js';
import { makeTempDir, removeDir } from '../helpers/cli.js';
import { makeDir } from '../helpers/template-versions.js';
import {
  CHANGED_FILE,
  NEW_RELEASE,
  OLD_RELEASE,
  OLD_RELEASE_LINE,
  publishTwoReleases,
} from '../helpers/published-releases.js';

interface ProposedUpdate {
  depName: string;
  currentValue: string;
  updates: { newVersion: string }[];
}

/** The dependencies with updates from Renovate's JSON log line "packageFiles with updates". */
function proposedUpdates(log: string): ProposedUpdate[] {
  for (const line of log.split('\n')) {
    const entry = JSON.parse(line.startsWith('{') ? line : '{}') as {
      msg?: string;
      config?: Record<string, { deps: ProposedUpdate[] }[]>;
    };
    if (entry.msg === 'packageFiles with updates' && entry.config)
      return Object.values(entry.config).flatMap((files) => files.flatMap((file) => file.deps));
  }
  return [];
}

describe('Renovate in a kernel', () => {
  let registry: NpmRegistry;
  let root: string;
  let renovatePrefix: string;

  beforeAll(async () => {
    root = makeTempDir('cck-renovate-');
    renovatePrefix = await ensureNpmTool(RENOVATE);
    registry = await startNpmRegistry();
    await publishTwoReleases(registry, join(root, 'releases'));
  }, 240_000);
  afterAll(async () => {
    await registry?.stop();
    if (root) removeDir(root);
  });

  /** A kernel made as a user types it, by the older release fetched from the registry. */
  async function createFromOldRelease(cwd: string, name: string, kind: string): Promise<void> {
    const created = await execa(
      'npm',
      ['create', `clustera-kernel@${OLD_RELEASE}`, name, '--', '--kind', kind, '--topic', 't', '--yes', '--no-install'],
      { cwd, env: { ...registry.clientEnv, NO_COLOR: '1' }, reject: false, all: true, stdin: 'ignore' },
    );
    expect(created.exitCode, created.all).toBe(0);
  }

  it('proposes the newer generator release for the version .clustera-kernel.json records', async () => {
    const cwd = makeDir(join(root, 'user'));
    await createFromOldRelease(cwd, 'bot-kernel', 'basic');

    // Renovate 44 runs only on the Node it declares, which the same cached prefix holds.
    const nodeBin = join(renovatePrefix, 'node_modules', 'node', 'bin');
    const renovate = await execa(
      join(nodeBin, 'node'),
      [
        join(renovatePrefix, 'node_modules', 'renovate', 'dist', 'renovate.js'),
        '--platform=local',
        '--enabled-managers=custom.regex',
      ],
      {
        cwd: join(cwd, 'bot-kernel'),
        env: {
          PATH: `${nodeBin}:${process.env.PATH}`,
          LOG_LEVEL: 'debug',
          LOG_FORMAT: 'json',
          RENOVATE_NPMRC: `registry=${registry.url}`,
          RENOVATE_BASE_DIR: mkdtempSync(join(root, 'renovate-base-')),
        },
        reject: false,
        all: true,
        stdin: 'ignore',
        timeout: 60_000,
      },
    );
    expect(renovate.exitCode, renovate.all.slice(-4000)).toBe(0);
    const generator = proposedUpdates(renovate.all).find((dep) => dep.depName === 'create-clustera-kernel');
    expect(generator?.currentValue, renovate.all.slice(-4000)).toBe(OLD_RELEASE);
    expect(generator?.updates.map((update) => update.newVersion)).toEqual([NEW_RELEASE]);
  });

  // The local platform stops after its lookups (even with --dry-run=full it processes no branch), so Renovate never
  // runs postUpgradeTasks here. What it would run is taken from renovate.json itself and run the way Renovate does:
  // in the kernel, after its regex manager has written the new version into .clustera-kernel.json.
  it('runs the post-upgrade commands of renovate.json after the bump, and the kernel is updated with its edit kept', async () => {
    const cwd = makeDir(join(root, 'post-upgrade'));
    await createFromOldRelease(cwd, 'edited-kernel', 'http');
    const kernel = join(cwd, 'edited-kernel');
    const userEdit = '# The owner of this kernel added this line.';
    // At the top: the older release's own line is at the bottom, and an edit beside it would be a conflict.
    const mainPath = join(kernel, CHANGED_FILE);
    writeFileSync(mainPath, `${userEdit}\n${readFileSync(mainPath, 'utf8')}`);
    await execa('git', ['commit', '-qam', 'An edit of our own'], { cwd: kernel });

    const manifestPath = join(kernel, '.clustera-kernel.json');
    const recorded = readFileSync(manifestPath, 'utf8');
    const config = JSON.parse(readFileSync(join(kernel, 'renovate.json'), 'utf8')) as {
      customManagers: { matchStrings: string[] }[];
      packageRules: { postUpgradeTasks?: { commands: string[] } }[];
    };
    // The bump as Renovate's regex manager makes it: its own match string locates the version it replaces.
    const matchString = config.customManagers[0]?.matchStrings[0] ?? '(?!)';
    const match = new RegExp(matchString).exec(recorded);
    expect(match?.groups?.currentValue).toBe(OLD_RELEASE);
    const versionAt = recorded.indexOf(`"${OLD_RELEASE}"`, match?.index ?? 0) + 1;
    writeFileSync(
      manifestPath,
      recorded.slice(0, versionAt) + NEW_RELEASE + recorded.slice(versionAt + OLD_RELEASE.length),
    );

    const commands = config.packageRules.flatMap((rule) => rule.postUpgradeTasks?.commands ?? []);
    expect(commands.length).toBeGreaterThan(0);
    for (const template of commands) {
      const command = template.replaceAll('{{{newVersion}}}', NEW_RELEASE);
      const run = await execa(command, {
        shell: true,
        cwd: kernel,
        env: { ...registry.clientEnv, NO_COLOR: '1', CI: 'true' },
        reject: false,
        all: true,
        stdin: 'ignore',
      });
      expect(run.exitCode, `${command}\n${run.all}`).toBe(0);
    }

    const main = readFileSync(join(kernel, CHANGED_FILE), 'utf8');
    expect(main).toContain(userEdit);
    expect(main).not.toContain(OLD_RELEASE_LINE);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { generator: { version: string } };
    expect(manifest.generator.version).toBe(NEW_RELEASE);
    // The branch Renovate would commit: the merged main.py and the manifest, nothing left unmerged.
    const status = await execa('git', ['status', '--porcelain'], { cwd: kernel });
    expect(status.stdout).toContain(CHANGED_FILE);
    expect(status.stdout).not.toMatch(/^(UU|AA) /m);
  }, 240_000);
});
