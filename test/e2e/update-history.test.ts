// Where the old render comes from when git history cannot give it: the base ref, a cached release, or nothing (two-way).
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../helpers/cli.js';
import {
  buildTemplateVersions,
  createOldKernel,
  editFile,
  git,
  NEW_DOC_LINE,
  OLD_VERSION,
  runUpdate,
  type TemplateVersions,
} from '../helpers/template-versions.js';

const USER_LINE = '    log.debug("user line kept by update")';
const addUserLine = (text: string) =>
  text.replace('    if message.value is None:', `${USER_LINE}\n    if message.value is None:`);

interface UpdateJson {
  files: { path: string; outcome: string; conflicts: number; twoWay: boolean; baseSource?: string }[];
  conflicted: string[];
}

describe('update finds the exact old render', () => {
  let root: string;
  let versions: TemplateVersions;
  let cache: string;
  beforeAll(() => {
    root = makeTempDir('cck-update-hist-');
    versions = buildTemplateVersions(root);
    // A cache holding the old release's package, as `npm pack` of that version would leave it.
    cache = join(root, 'cache');
    mkdirSync(join(cache, 'packages', OLD_VERSION, 'package'), { recursive: true });
    cpSync(versions.oldDir, join(cache, 'packages', OLD_VERSION, 'package', 'templates'), { recursive: true });
  });
  afterAll(() => removeDir(root));

  const mainOf = (json: UpdateJson) => json.files.find((f) => f.path === 'main.py');

  it('from git history for a kernel whose first commit is the render', async () => {
    const kernel = await createOldKernel(versions, root, 'history');
    editFile(kernel, 'main.py', addUserLine);
    await git(kernel, 'commit', '-qam', 'mine');
    await git(kernel, 'update-ref', '-d', 'refs/clustera/base/history');
    const run = await runUpdate(versions, kernel, ['--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(mainOf(JSON.parse(run.stdout) as UpdateJson)).toMatchObject({
      outcome: 'merged',
      baseSource: 'git history',
    });
  });

  it('from refs/clustera/base in a monorepo where the render was never committed on its own', async () => {
    const mono = join(root, 'mono');
    mkdirSync(mono);
    await git(mono, 'init', '-q');
    const kernel = await createOldKernel(versions, mono, 'inner');
    editFile(kernel, 'main.py', addUserLine);
    await git(mono, 'add', '-A');
    await git(mono, 'commit', '-qm', 'kernel with my edit, in one commit');
    const run = await runUpdate(versions, kernel, ['--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(mainOf(JSON.parse(run.stdout) as UpdateJson)).toMatchObject({ outcome: 'merged', baseSource: 'base ref' });
    expect(await git(mono, 'show-ref')).toContain('refs/clustera/base/inner');
  });

  it('from the cached release for a kernel made with --no-git', async () => {
    const kernel = await createOldKernel(versions, root, 'nogit', ['--no-git']);
    editFile(kernel, 'main.py', addUserLine);
    const run = await runUpdate(versions, kernel, ['--json'], { CREATE_CLUSTERA_KERNEL_CACHE: cache });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(mainOf(JSON.parse(run.stdout) as UpdateJson)).toMatchObject({
      outcome: 'merged',
      baseSource: 'published templates',
    });
    const main = readFileSync(join(kernel, 'main.py'), 'utf8');
    expect(main).toContain(USER_LINE);
    expect(main).toContain(NEW_DOC_LINE);
  });

  it('from the cached release for a kernel copied without its history', async () => {
    const original = await createOldKernel(versions, root, 'copied');
    editFile(original, 'main.py', addUserLine);
    const copy = join(root, 'elsewhere', 'copied');
    cpSync(original, copy, { recursive: true, filter: (path) => !path.includes('/.git') });
    const run = await runUpdate(versions, copy, ['--json'], { CREATE_CLUSTERA_KERNEL_CACHE: cache });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(mainOf(JSON.parse(run.stdout) as UpdateJson)).toMatchObject({
      outcome: 'merged',
      baseSource: 'published templates',
    });
  });

  it('nowhere (no git, no npm on PATH, nothing cached): every differing hunk becomes a conflict and no user line is lost', async () => {
    const kernel = await createOldKernel(versions, root, 'twoway', ['--no-git']);
    editFile(kernel, 'main.py', addUserLine);
    const emptyPath = join(root, 'empty-path');
    mkdirSync(emptyPath);
    // Not offline: the registry is asked for the old release, and a missing npm is only one more way to fail quietly.
    const env = {
      CREATE_CLUSTERA_KERNEL_CACHE: join(root, 'empty-cache'),
      CREATE_CLUSTERA_KERNEL_OFFLINE: '',
      PATH: emptyPath,
    };
    const run = await runUpdate(versions, kernel, ['--json'], env);
    expect(run.exitCode).toBe(1);
    // The registry route was tried (its cache made ready) and failed quietly.
    expect(readdirSync(join(root, 'empty-cache', 'packages'))).toEqual([]);
    const json = JSON.parse(run.stdout) as UpdateJson;
    expect(json.conflicted).toEqual(['main.py']);
    expect(mainOf(json)).toMatchObject({ outcome: 'conflicted', twoWay: true, conflicts: 2 });
    const main = readFileSync(join(kernel, 'main.py'), 'utf8');
    expect(main).toContain(`<<<<<<< yours\n${USER_LINE}\n=======\n>>>>>>> new template\n`);
    expect(main).toContain(NEW_DOC_LINE);
    // Files the user never touched need no old render: they are simply replaced.
    expect(json.files.find((f) => f.path === 'Dockerfile')).toMatchObject({ outcome: 'updated' });
  });
});
