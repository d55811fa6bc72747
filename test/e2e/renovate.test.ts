// Renovate itself (local platform, lookups only) in a kernel made by an older release, against a local registry
// holding a newer one: the kernel's renovate.json must make it propose the generator release bump (and a new runtime
// line from the kernel's package index, in the same pull request), and its post-upgrade commands, run as Renovate
// runs them after its bump, must bring the kernel to the newer release.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  skipReason?: string;
  updates: { newVersion: string; newValue?: string; branchName: string; isLockfileUpdate?: boolean }[];
}

/** The runtime's releases as a package index's simple page lists them: only the listing matters to a lookup. */
const RUNTIME_RELEASES = ['0.0.1', '0.0.2', '0.1.0'];
let runtimeReleases = RUNTIME_RELEASES;

function startRuntimeIndex(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    if (request.url?.replace(/\/?$/, '/') !== '/simple/clustera-kernel-runtime/') {
      response.writeHead(404).end();
      return;
    }
    const links = runtimeReleases
      .map((version) => `clustera_kernel_runtime-${version}-py3-none-any.whl`)
      .map((file) => `<a href="${file}">${file}</a>`)
      .join('\n');
    response.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body>\n${links}\n</body></html>\n`);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple/` }),
    );
  });
}

/** What pyproject.toml says when the kernel takes the runtime from a package index (the `python-index` answer). */
function takeRuntimeFrom(kernel: string, indexUrl: string): void {
  const path = join(kernel, 'pyproject.toml');
  const text = readFileSync(path, 'utf8');
  const index = `\n[[tool.uv.index]]\nname = "clustera"\nurl = "${indexUrl}"\nexplicit = true\n\n[tool.uv.sources]\nclustera-kernel-runtime = { index = "clustera" }\n`;
  writeFileSync(path, text.replace('package = false\n', `package = false\n${index}`));
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
  let runtimeIndex: { server: Server; url: string };
  let root: string;
  let renovatePrefix: string;

  beforeAll(async () => {
    root = makeTempDir('cck-renovate-');
    renovatePrefix = await ensureNpmTool(RENOVATE);
    registry = await startNpmRegistry();
    runtimeIndex = await startRuntimeIndex();
    await publishTwoReleases(registry, join(root, 'releases'));
  }, 240_000);
  afterAll(async () => {
    await registry?.stop();
    runtimeIndex?.server.close();
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

  /** Renovate's lookups in the kernel, for the generator's release and the runtime's requirement. */
  async function runRenovate(kernel: string) {
    // Renovate 44 runs only on the Node it declares, which the same cached prefix holds.
    const nodeBin = join(renovatePrefix, 'node_modules', 'node', 'bin');
    return execa(
      join(nodeBin, 'node'),
      [
        join(renovatePrefix, 'node_modules', 'renovate', 'dist', 'renovate.js'),
        '--platform=local',
        '--enabled-managers=custom.regex,pep621',
      ],
      {
        cwd: kernel,
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
  }

  it('proposes the newer generator release for the version .clustera-kernel.json records, and a new runtime line with it', async () => {
    const cwd = makeDir(join(root, 'user'));
    await createFromOldRelease(cwd, 'bot-kernel', 'basic');
    const kernel = join(cwd, 'bot-kernel');
    takeRuntimeFrom(kernel, runtimeIndex.url);
    await execa('git', ['commit', '-qam', 'The runtime from our package index'], { cwd: kernel });

    const renovate = await runRenovate(kernel);
    expect(renovate.exitCode, renovate.all.slice(-4000)).toBe(0);
    const proposed = proposedUpdates(renovate.all);
    const generator = proposed.find((dep) => dep.depName === 'create-clustera-kernel');
    expect(generator?.currentValue, renovate.all.slice(-4000)).toBe(OLD_RELEASE);
    expect(generator?.updates.map((update) => update.newVersion)).toEqual([NEW_RELEASE]);

    // pep621 reads the runtime (in the dependencies and in the tracing group) and none of the owner's dependencies.
    const fromPyproject = proposed.filter((dep) => dep.depName !== 'create-clustera-kernel');
    const runtime = fromPyproject.filter((dep) => dep.depName === 'clustera-kernel-runtime');
    expect(runtime.length).toBe(2);
    expect(
      fromPyproject.filter((dep) => dep.depName !== 'clustera-kernel-runtime' && dep.skipReason !== 'disabled'),
    ).toEqual([]);
    // The older release pins the line >=0.0,<0.1: 0.0.2 is within it (uv.lock's business), 0.1.0 is a new line.
    for (const dep of runtime) {
      expect(dep.currentValue).toBe('>=0.0,<0.1');
      expect(dep.updates.map(({ newVersion, newValue }) => ({ newVersion, newValue }))).toEqual([
        { newVersion: '0.1.0', newValue: '>=0.1,<0.2' },
      ]);
    }
    // One pull request for the generator and the runtime.
    const branches = new Set([...runtime, generator!].flatMap((dep) => dep.updates.map((update) => update.branchName)));
    expect([...branches]).toEqual(['renovate/create-clustera-kernel']);
  });

  it("proposes a fix within the kernel's line as a lock file update, leaving pyproject.toml's range", async () => {
    const cwd = makeDir(join(root, 'locked'));
    await createFromOldRelease(cwd, 'locked-kernel', 'basic');
    const kernel = join(cwd, 'locked-kernel');
    takeRuntimeFrom(kernel, runtimeIndex.url);
    // As uv locks it from that index; Renovate reads the locked version from here.
    writeFileSync(
      join(kernel, 'uv.lock'),
      `version = 1\nrevision = 3\nrequires-python = ">=3.11"\n\n[[package]]\nname = "clustera-kernel-runtime"\nversion = "0.0.1"\nsource = { registry = "${runtimeIndex.url}" }\n`,
    );
    await execa('git', ['add', '-A'], { cwd: kernel });
    await execa('git', ['commit', '-qm', 'Locked'], { cwd: kernel });
    runtimeReleases = ['0.0.1', '0.0.2'];
    try {
      const renovate = await runRenovate(kernel);
      expect(renovate.exitCode, renovate.all.slice(-4000)).toBe(0);
      const runtime = proposedUpdates(renovate.all).filter((dep) => dep.depName === 'clustera-kernel-runtime');
      expect(runtime.length, renovate.all.slice(-4000)).toBe(2);
      for (const dep of runtime)
        expect(dep.updates).toEqual([
          expect.objectContaining({ newVersion: '0.0.2', newValue: '>=0.0,<0.1', isLockfileUpdate: true }),
        ]);
    } finally {
      runtimeReleases = RUNTIME_RELEASES;
    }
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
      packageRules: { matchManagers?: string[]; postUpgradeTasks?: { commands: string[] } }[];
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

    // The generator's own commands: Renovate runs each upgrade's, and this bump is the generator's.
    const commands = config.packageRules
      .filter((rule) => rule.matchManagers?.includes('custom.regex'))
      .flatMap((rule) => rule.postUpgradeTasks?.commands ?? []);
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
