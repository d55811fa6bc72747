// A repository of kernels: list, check --all and update --all across them, made by an older template version.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeRange } from '../../src/render/runtime-dependency.js';
import { makeTempDir, removeDir, runCli } from '../helpers/cli.js';
import {
  buildTemplateVersions,
  editFile,
  git,
  NEW_BASE_LINE,
  NEW_VERSION,
  OLD_BASE_LINE,
  OLD_VERSION,
  type TemplateVersions,
} from '../helpers/template-versions.js';

const USER_LINE = '# kept by update: a note of the team';
// Every render requires the runtime on the line of the package's own version, whatever version it pretends to be.
const RUNTIME = { source: 'pyproject', version: null, range: runtimeRange() };
const RUNTIME_CELL = runtimeRange().replaceAll('.', '\\.');
const CONFLICTING_LINE = 'ARG UV_VERSION=0.7';

interface ListJson {
  root: string;
  kernels: {
    directory: string;
    name: string;
    kind: string;
    topic: string;
    group: string;
    outputTopic: string | null;
    schema: string | null;
    recordedVersion: string;
    runtime: { source: string; version: string | null; range: string | null } | null;
    state: string;
  }[];
}
interface CheckAllJson {
  exitCode: number;
  kernels: { directory: string; state: string; exitCode: number; conflicted: string[] }[];
}
interface UpdateAllJson {
  exitCode: number;
  kernels: { directory: string; outcome: string; exitCode: number; error?: string }[];
  releaseNotes: { version: string }[];
}

async function createKernel(versions: TemplateVersions, cwd: string, name: string, kind: string): Promise<void> {
  const run = await runCli([name, '--kind', kind, '--topic', `${name}.in`, '--yes', '--no-install'], {
    cwd,
    env: versions.oldEnv,
  });
  if (run.exitCode !== 0) throw new Error(`create ${name} failed: ${run.stderr}`);
}

const byDirectory = <T extends { directory: string }>(entries: T[]) =>
  Object.fromEntries(entries.map((entry) => [entry.directory, entry]));

describe('a repository of kernels', () => {
  let root: string;
  let repo: string;
  let versions: TemplateVersions;
  const cli = (args: string[], cwd = repo) => runCli(args, { cwd, env: versions.newEnv });

  beforeAll(async () => {
    root = makeTempDir('cck-fleet-');
    versions = buildTemplateVersions(root);
    repo = join(root, 'repo');
    const services = join(repo, 'services');
    mkdirSync(services, { recursive: true });
    await git(repo, 'init', '-q');
    // All four made by the old templates inside one work tree, so none gets a repository of its own.
    await createKernel(versions, services, 'orders-log', 'basic');
    await createKernel(versions, services, 'orders-sink', 'database');
    await createKernel(versions, services, 'orders-forward', 'http');
    await createKernel(versions, services, 'orders-answers', 'ai');
    editFile(join(services, 'orders-answers'), '.env.template', (text) =>
      text.replace(/^OUTPUT_TOPIC=$/m, 'OUTPUT_TOPIC=orders.answers'),
    );
    // Copies git ignores, and a dependency folder, are never kernels of the repository.
    writeFileSync(join(repo, '.gitignore'), 'build/\n');
    for (const copy of ['build/orders-log', 'node_modules/orders-log']) {
      mkdirSync(join(repo, copy), { recursive: true });
      writeFileSync(
        join(repo, copy, '.clustera-kernel.json'),
        readFileSync(join(services, 'orders-log', '.clustera-kernel.json')),
      );
    }
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-qm', 'four kernels');
    // One kernel already on the current templates.
    const updated = await cli(['update'], join(services, 'orders-answers'));
    if (updated.exitCode !== 0) throw new Error(`update failed: ${updated.stderr}`);
    // One with an edit the new templates do not touch, one with an edit they change too.
    editFile(join(services, 'orders-sink'), 'main.py', (text) => `${USER_LINE}\n${text}`);
    editFile(join(services, 'orders-forward'), 'Dockerfile', (text) => text.replace(OLD_BASE_LINE, CONFLICTING_LINE));
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-qm', 'answers updated; team edits');
  });
  afterAll(() => removeDir(root));

  it('list --json finds the four kernels from anywhere in the repository, with their answers and state', async () => {
    const run = await cli(['list', '--json'], join(repo, 'services', 'orders-sink'));
    expect(run.exitCode, run.stderr).toBe(0);
    const listing = JSON.parse(run.stdout) as ListJson;
    expect(listing.root).toBe(repo);
    expect(listing.kernels).toEqual([
      {
        directory: 'services/orders-answers',
        name: 'orders-answers',
        kind: 'ai',
        topic: 'orders-answers.in',
        group: 'orders-answers-group',
        outputTopic: 'orders.answers',
        schema: null,
        outputSchema: null,
        recordedVersion: NEW_VERSION,
        runtime: RUNTIME,
        state: 'current',
      },
      ...[
        ['orders-forward', 'http'],
        ['orders-log', 'basic'],
        ['orders-sink', 'database'],
      ].map(([name, kind]) => ({
        directory: `services/${name}`,
        name,
        kind,
        topic: `${name}.in`,
        group: `${name}-group`,
        outputTopic: null,
        schema: null,
        outputSchema: null,
        recordedVersion: OLD_VERSION,
        runtime: RUNTIME,
        state: 'update-available',
      })),
    ]);
    const table = await cli(['list']);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^DIRECTORY\s+NAME\s+KIND\s+TOPIC\s+GROUP\s+OUTPUT TOPIC\s+SCHEMA\s+VERSION\s+RUNTIME\s+STATE$/,
    );
    expect(table.stdout).toMatch(
      new RegExp(
        `services/orders-answers\\s+orders-answers\\s+ai\\s+.*orders\\.answers\\s+-\\s+0\\.2\\.0\\s+${RUNTIME_CELL}\\s+current`,
      ),
    );
  });

  it('check --all exits 1 and names the three kernels behind, not the current one', async () => {
    const run = await cli(['check', '--all']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stdout).toContain(
      '3 of 4 kernel(s) need attention: services/orders-forward, services/orders-log, services/orders-sink.',
    );
    const result = JSON.parse((await cli(['check', '--all', '--json'])).stdout) as CheckAllJson;
    expect(result.exitCode).toBe(1);
    expect(result.kernels.map((kernel) => [kernel.directory, kernel.state, kernel.exitCode])).toEqual([
      ['services/orders-answers', 'current', 0],
      ['services/orders-forward', 'update-available', 1],
      ['services/orders-log', 'update-available', 1],
      ['services/orders-sink', 'update-available', 1],
    ]);
  });

  it('update --all updates three, reports the conflict, and leaves one change to review; check --all then names only the conflicted kernel', async () => {
    const head = await git(repo, 'rev-parse', 'HEAD');
    const run = await cli(['update', '--all', '--json']);
    expect(run.exitCode, run.stderr).toBe(1);
    const result = JSON.parse(run.stdout) as UpdateAllJson;
    const kernels = byDirectory(result.kernels);
    expect(kernels['services/orders-answers']?.outcome).toBe('current');
    expect(kernels['services/orders-forward']).toMatchObject({ outcome: 'conflicted', exitCode: 1 });
    expect(kernels['services/orders-log']).toMatchObject({ outcome: 'updated', exitCode: 0 });
    expect(kernels['services/orders-sink']).toMatchObject({ outcome: 'updated', exitCode: 0 });
    expect(result.releaseNotes.map((release) => release.version)).toEqual([NEW_VERSION]);
    expect(run.stderr).toMatch(
      /services\/orders-forward\s+orders-forward\s+0\.1\.0\s+0\.2\.0\s+updated with conflicts \(Dockerfile\)/,
    );

    // Nothing committed: every kernel's change is in the work tree, one diff to review.
    expect(await git(repo, 'rev-parse', 'HEAD')).toBe(head);
    const changed = (await git(repo, 'status', '--porcelain')).split('\n').map((line) => line.slice(3).split('/')[1]);
    expect(new Set(changed)).toEqual(new Set(['orders-forward', 'orders-log', 'orders-sink']));
    expect(readFileSync(join(repo, 'services', 'orders-sink', 'main.py'), 'utf8')).toContain(USER_LINE);
    expect(readFileSync(join(repo, 'services', 'orders-log', 'Dockerfile'), 'utf8')).toContain(NEW_BASE_LINE);
    expect(readFileSync(join(repo, 'services', 'orders-forward', 'Dockerfile'), 'utf8')).toContain('<<<<<<<');

    const after = await cli(['check', '--all']);
    expect(after.exitCode, after.stderr).toBe(1);
    expect(after.stdout).toContain('1 of 4 kernel(s) need attention: services/orders-forward.');
    expect(after.stdout).toMatch(
      new RegExp(`services/orders-forward\\s+orders-forward\\s+0\\.2\\.0\\s+${RUNTIME_CELL}\\s+conflict blocks`),
    );
  });
});

describe('update --all with a kernel that cannot be updated', () => {
  let root: string;
  let repo: string;
  let versions: TemplateVersions;
  beforeAll(async () => {
    root = makeTempDir('cck-fleet-failing-');
    versions = buildTemplateVersions(root);
    repo = join(root, 'repo');
    mkdirSync(repo);
    await git(repo, 'init', '-q');
    await createKernel(versions, repo, 'alpha-log', 'basic');
    await createKernel(versions, repo, 'beta-log', 'basic');
    // A manifest from a newer generator: this one refuses it, as update alone would.
    editFile(join(repo, 'alpha-log'), '.clustera-kernel.json', (text) => text.replace(`"${OLD_VERSION}"`, '"9.0.0"'));
    await git(repo, 'add', '-A');
    await git(repo, 'commit', '-qm', 'two kernels');
  });
  afterAll(() => removeDir(root));

  it('refuses an uncommitted change anywhere in the repository before touching any kernel', async () => {
    writeFileSync(join(repo, 'NOTES.md'), 'tracked and changed\n');
    await git(repo, 'add', 'NOTES.md');
    const run = await runCli(['update', '--all'], { cwd: repo, env: versions.newEnv });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('The repository has uncommitted changes (NOTES.md)');
    expect((await git(repo, 'status', '--porcelain')).trim()).toBe('A  NOTES.md');
    await git(repo, 'commit', '-qm', 'notes');
  });

  it('updates the other kernels, names the failed one, leaves it as it was and exits with the worst code', async () => {
    const before = readFileSync(join(repo, 'alpha-log', 'Dockerfile'), 'utf8');
    const run = await runCli(['update', '--all'], { cwd: repo, env: versions.newEnv });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toMatch(/alpha-log\s+alpha-log\s+-\s+-\s+failed, left as it was/);
    expect(run.stdout).toMatch(/beta-log\s+beta-log\s+0\.1\.0\s+0\.2\.0\s+updated/);
    expect(run.stdout).toContain('warning: alpha-log failed and was left as it was: This kernel was made by');
    expect(readFileSync(join(repo, 'alpha-log', 'Dockerfile'), 'utf8')).toBe(before);
    expect(readFileSync(join(repo, 'beta-log', 'Dockerfile'), 'utf8')).toContain(NEW_BASE_LINE);

    const check = await runCli(['check', '--all', '--json'], { cwd: repo, env: versions.newEnv });
    expect(check.exitCode).toBe(2);
    const states = (JSON.parse(check.stdout) as CheckAllJson).kernels.map((kernel) => kernel.state);
    expect(states).toEqual(['unreadable', 'current']);
  });
});
