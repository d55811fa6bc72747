// Renovate itself (local platform, lookups only) in a kernel made by an older release, against a local registry
// holding a newer one: the kernel's renovate.json must make it propose the generator release bump.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NpmRegistry, startNpmRegistry } from '../../src/infra/npm-registry.js';
import { ensureNpmTool, RENOVATE } from '../../src/infra/npm-tools.js';
import { makeTempDir, removeDir } from '../helpers/cli.js';
import { makeDir } from '../helpers/template-versions.js';
import { NEW_RELEASE, OLD_RELEASE, publishTwoReleases } from '../helpers/published-releases.js';

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

  it('proposes the newer generator release for the version .clustera-kernel.json records', async () => {
    const cwd = makeDir(join(root, 'user'));
    const created = await execa(
      'npm',
      [
        'create',
        `clustera-kernel@${OLD_RELEASE}`,
        'bot-kernel',
        '--',
        '--kind',
        'basic',
        '--topic',
        't',
        '--yes',
        '--no-install',
      ],
      { cwd, env: { ...registry.clientEnv, NO_COLOR: '1' }, reject: false, all: true, stdin: 'ignore' },
    );
    expect(created.exitCode, created.all).toBe(0);

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
});
