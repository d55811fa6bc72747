// update, spawned as a user would, between two real template versions.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, runCli } from '../helpers/cli.js';
import {
  ADDED_FILE,
  buildTemplateVersions,
  createOldKernel,
  editFile,
  git,
  NEW_BASE_LINE,
  NEW_DOC_LINE,
  NEW_VERSION,
  OLD_BASE_LINE,
  OLD_DOC_LINE,
  REMOVED_FILE,
  runUpdate,
  snapshotTree,
  type TemplateVersions,
} from '../helpers/template-versions.js';

const USER_LINE = '    log.debug("user line kept by update")';
const addUserLine = (text: string) =>
  text.replace('    if message.value is None:', `${USER_LINE}\n    if message.value is None:`);
const manifestOf = (dir: string) =>
  JSON.parse(readFileSync(join(dir, '.clustera-kernel.json'), 'utf8')) as {
    generator: { version: string };
    answers: Record<string, string>;
    files: Record<string, string>;
  };

describe('update', () => {
  let root: string;
  let versions: TemplateVersions;
  beforeAll(() => {
    root = makeTempDir('cck-update-');
    versions = buildTemplateVersions(root);
  });
  afterAll(() => removeDir(root));

  it('updates an untouched kernel silently to exactly what the new templates render, and check goes from 1 to 0', async () => {
    const kernel = await createOldKernel(versions, root, 'untouched');
    const before = await runCli(['check', '--json'], { cwd: kernel, env: versions.newEnv });
    expect(before.exitCode).toBe(1);
    const report = JSON.parse(before.stdout) as {
      recordedVersion: string;
      currentVersion: string;
      files: { path: string; change: string }[];
    };
    expect(report.recordedVersion).toBe('0.1.0');
    expect(report.currentVersion).toBe(NEW_VERSION);
    expect(report.files).toEqual([
      { path: REMOVED_FILE, change: 'removed' },
      { path: 'Dockerfile', change: 'changed' },
      { path: 'main.py', change: 'changed' },
      { path: ADDED_FILE, change: 'added' },
    ]);

    const run = await runUpdate(versions, kernel);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/updated\s+Dockerfile/);
    expect(run.stdout).toMatch(/removed\s+\.dockerignore/);
    const fresh = await createOldKernel(
      { ...versions, oldEnv: versions.newEnv },
      makeTempDir('cck-update-fresh-'),
      'untouched',
      ['--no-git'],
    );
    expect(snapshotTree(kernel)).toEqual(snapshotTree(fresh));
    expect(statSync(join(kernel, 'Dockerfile')).mode & 0o111).not.toBe(0);
    expect(manifestOf(kernel).generator.version).toBe(NEW_VERSION);
    expect((await runCli(['check'], { cwd: kernel, env: versions.newEnv })).exitCode).toBe(0);
    removeDir(join(fresh, '..'));
  });

  it('keeps user edits to main.py in regions the template did not touch, without a conflict', async () => {
    const kernel = await createOldKernel(versions, root, 'edited');
    editFile(kernel, 'main.py', addUserLine);
    await git(kernel, 'commit', '-qam', 'my change');
    const run = await runUpdate(versions, kernel);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/merged\s+main\.py/);
    const main = readFileSync(join(kernel, 'main.py'), 'utf8');
    expect(main).toContain(USER_LINE);
    expect(main).toContain(NEW_DOC_LINE);
    expect(main).not.toContain('<<<<<<<');
  });

  it('writes conflict markers and exits 1 when the user and the template changed the same lines', async () => {
    const kernel = await createOldKernel(versions, root, 'overlap');
    editFile(kernel, 'main.py', (t) => t.replace(OLD_DOC_LINE, 'My own description of this kernel.'));
    await git(kernel, 'commit', '-qam', 'my docstring');
    const run = await runUpdate(versions, kernel);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/conflicted\s+main\.py \(1 conflict\)/);
    expect(run.stdout).toContain('1 file(s) have conflicts: main.py');
    const main = readFileSync(join(kernel, 'main.py'), 'utf8');
    expect(main).toContain(
      `<<<<<<< yours\nMy own description of this kernel.\n=======\n${NEW_DOC_LINE}\n>>>>>>> new template\n`,
    );
    const json = await runCli(['check', '--json'], { cwd: kernel, env: versions.newEnv });
    // The manifest records the new render, so the kernel is on the new base; the conflict left is what check fails on.
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ current: true, conflicted: ['main.py'] });
  });

  it('leaves a file the user deleted deleted, and keeps a removed template file the user edited', async () => {
    const kernel = await createOldKernel(versions, root, 'deleted');
    await git(kernel, 'rm', '-q', 'Dockerfile');
    editFile(kernel, REMOVED_FILE, (t) => `${t}my-secrets/\n`);
    await git(kernel, 'commit', '-qam', 'no docker, my ignores');
    const run = await runUpdate(versions, kernel, ['--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { files: { path: string; outcome: string }[] };
    expect(result.files).toEqual(
      expect.arrayContaining([{ path: 'Dockerfile', outcome: 'left-deleted', conflicts: 0, twoWay: false }]),
    );
    expect(result.files.find((f) => f.path === REMOVED_FILE)?.outcome).toBe('kept');
    expect(existsSync(join(kernel, 'Dockerfile'))).toBe(false);
    expect(readFileSync(join(kernel, REMOVED_FILE), 'utf8')).toContain('my-secrets/');
    expect(run.stderr).toContain('kept because you changed it');
  });

  it('refuses a dirty work tree unless --force, changing nothing', async () => {
    const kernel = await createOldKernel(versions, root, 'dirty');
    editFile(kernel, 'main.py', addUserLine);
    const before = snapshotTree(kernel);
    const refused = await runUpdate(versions, kernel);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/uncommitted changes \(main\.py\).*--force/);
    expect(snapshotTree(kernel)).toEqual(before);
    const forced = await runUpdate(versions, kernel, ['--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(join(kernel, 'main.py'), 'utf8')).toContain(USER_LINE);
    expect(readFileSync(join(kernel, 'Dockerfile'), 'utf8')).toContain(NEW_BASE_LINE);
  });

  it('is not stopped by untracked files it will not write, such as the uv.lock of a first uv sync', async () => {
    const kernel = await createOldKernel(versions, root, 'untracked');
    writeFileSync(join(kernel, 'uv.lock'), 'version = 1\n');
    writeFileSync(join(kernel, 'notes.txt'), 'mine\n');
    const run = await runUpdate(versions, kernel);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readFileSync(join(kernel, 'uv.lock'), 'utf8')).toBe('version = 1\n');
    expect(readFileSync(join(kernel, 'Dockerfile'), 'utf8')).toContain(NEW_BASE_LINE);
  });

  it('is stopped by an untracked file at a path the new templates write', async () => {
    const kernel = await createOldKernel(versions, root, 'untracked-template-path');
    writeFileSync(join(kernel, 'tests', 'template_note.py'), '# mine\n');
    const refused = await runUpdate(versions, kernel);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/uncommitted changes \(tests\/template_note\.py\)/);
  });

  it('--dry-run prints unified diffs and writes nothing', async () => {
    const kernel = await createOldKernel(versions, root, 'dry');
    const before = snapshotTree(kernel);
    const run = await runUpdate(versions, kernel, ['--dry-run']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(`--- a/Dockerfile\n+++ b/Dockerfile\n`);
    expect(run.stdout).toContain(`-${OLD_BASE_LINE}\n+${NEW_BASE_LINE}\n`);
    expect(run.stdout).toContain(`--- /dev/null\n+++ b/${ADDED_FILE}`);
    expect(snapshotTree(kernel)).toEqual(before);
    expect(await git(kernel, 'status', '--porcelain')).toBe('');
  });

  it('--set topic=… changes the topic everywhere it appears, and a bad value is refused like create refuses it', async () => {
    const kernel = await createOldKernel(versions, root, 'retopic');
    editFile(kernel, 'main.py', addUserLine);
    await git(kernel, 'commit', '-qam', 'mine');
    const bad = await runUpdate(versions, kernel, ['--set', 'topic=bad topic']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('may contain only ASCII letters');
    const run = await runUpdate(versions, kernel, ['--set', 'topic=orders.v2']);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    for (const file of ['main.py', '.env.template', 'README.md', 'CLAUDE.md', 'docker-compose.yml']) {
      const text = readFileSync(join(kernel, file), 'utf8');
      expect(text, file).toContain('orders.v2');
      expect(text, file).not.toContain('clustera-retopic');
    }
    expect(readFileSync(join(kernel, 'main.py'), 'utf8')).toContain(USER_LINE);
    expect(manifestOf(kernel).answers.topic).toBe('orders.v2');
  });

  it('refuses a directory without a manifest, and a manifest from a newer generator, in one sentence', async () => {
    const empty = makeTempDir('cck-update-none-');
    const none = await runCli(['update', empty], { cwd: root, env: versions.newEnv });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/^error: [^\n]*has no \.clustera-kernel\.json[^\n]*\.$/);
    expect((await runCli(['check', empty], { cwd: root, env: versions.newEnv })).exitCode).toBe(2);
    removeDir(empty);
    const kernel = await createOldKernel(versions, root, 'future', ['--no-git']);
    editFile(kernel, '.clustera-kernel.json', (t) => t.replace('"version": "0.1.0"', '"version": "9.0.0"'));
    const future = await runUpdate(versions, kernel);
    expect(future.exitCode).toBe(2);
    expect(future.stderr).toMatch(
      /^error: This kernel was made by create-clustera-kernel 9\.0\.0, newer than this 0\.2\.0;[^\n]*$/,
    );
  });

  it('a manifest without answers (hashes only) asks for them with --set, then updates', async () => {
    const kernel = await createOldKernel(versions, root, 'hashes-only', ['--no-git']);
    editFile(kernel, '.clustera-kernel.json', (t) => t.replace(/"answers": \{[^}]*\},\n\s*/, ''));
    const missing = await runUpdate(versions, kernel);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain(
      'records no name, topic, kind, group; pass --set name=<value> --set topic=<value>',
    );
    const sets = ['name=hashes-only', 'topic=clustera-hashes-only', 'kind=basic', 'group=hashes-only-group'].flatMap(
      (s) => ['--set', s],
    );
    const run = await runUpdate(versions, kernel, sets);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(manifestOf(kernel).answers).toEqual({
      name: 'hashes-only',
      topic: 'clustera-hashes-only',
      kind: 'basic',
      group: 'hashes-only-group',
    });
  });

  it('merges a file the user made under a name the new template now uses, as if the old render were empty', async () => {
    const kernel = await createOldKernel(versions, root, 'same-name', ['--no-git']);
    editFile(kernel, 'Dockerfile', (t) => t);
    writeFileSync(join(kernel, ADDED_FILE), 'MINE = 1\n');
    const run = await runUpdate(versions, kernel, ['--json']);
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.stdout).conflicted).toEqual([ADDED_FILE]);
    const text = readFileSync(join(kernel, ADDED_FILE), 'utf8');
    expect(text).toContain('<<<<<<< yours\nMINE = 1\n=======\n');
    expect(text).toContain('NOTE = "newer templates"');
  });
});
