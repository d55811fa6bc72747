// update stays inside the kernel and changes no byte it did not merge: symbolic links, CRLF files, non-UTF-8 bytes.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../helpers/cli.js';
import { snapshotBytes, toCrlf } from '../helpers/byte-snapshot.js';
import {
  ADDED_FILE,
  buildTemplateVersions,
  createOldKernel,
  git,
  NEW_BASE_LINE,
  NEW_DOC_LINE,
  OLD_DOC_LINE,
  runUpdate,
  type TemplateVersions,
} from '../helpers/template-versions.js';

const commitAll = async (kernel: string, message: string) => {
  await git(kernel, '-c', 'core.autocrlf=false', 'add', '-A');
  await git(kernel, '-c', 'core.autocrlf=false', 'commit', '-qm', message);
};

function convertTreeToCrlf(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) convertTreeToCrlf(path);
    else writeFileSync(path, toCrlf(readFileSync(path)));
  }
}

const hasLoneLf = (bytes: Buffer) => /(^|[^\r])\n/.test(bytes.toString('latin1'));

describe('update boundaries', () => {
  let root: string;
  let versions: TemplateVersions;
  beforeAll(() => {
    root = makeTempDir('cck-update-bounds-');
    versions = buildTemplateVersions(root);
  });
  afterAll(() => removeDir(root));

  it('refuses, writing nothing, when tests/ is a symbolic link to a directory outside the kernel', async () => {
    const kernel = await createOldKernel(versions, root, 'linked-out');
    const outside = join(root, 'shared-tests');
    renameSync(join(kernel, 'tests'), outside);
    symlinkSync(outside, join(kernel, 'tests'));
    await commitAll(kernel, 'tests shared with other kernels');
    const [kernelBefore, outsideBefore] = [snapshotBytes(kernel), snapshotBytes(outside)];
    const run = await runUpdate(versions, kernel);
    expect(run.exitCode, run.stdout + run.stderr).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/tests.*outside the kernel/);
    expect(snapshotBytes(outside)).toEqual(outsideBefore);
    expect(snapshotBytes(kernel)).toEqual(kernelBefore);
    expect(existsSync(join(outside, 'template_note.py'))).toBe(false);
  });

  it('refuses a template file that is a symbolic link to a file outside the kernel', async () => {
    const kernel = await createOldKernel(versions, root, 'file-linked-out');
    const outside = makeTempDir('cck-outside-file-');
    renameSync(join(kernel, 'Dockerfile'), join(outside, 'Dockerfile'));
    symlinkSync(join(outside, 'Dockerfile'), join(kernel, 'Dockerfile'));
    await commitAll(kernel, 'shared Dockerfile');
    const outsideBefore = snapshotBytes(outside);
    const run = await runUpdate(versions, kernel);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/Dockerfile.*outside the kernel/);
    expect(snapshotBytes(outside)).toEqual(outsideBefore);
    removeDir(outside);
  });

  it('writes through a symbolic link that stays inside the kernel', async () => {
    const kernel = await createOldKernel(versions, root, 'linked-in');
    mkdirSync(join(kernel, 'vendor'));
    renameSync(join(kernel, 'tests'), join(kernel, 'vendor', 'tests'));
    symlinkSync(join('vendor', 'tests'), join(kernel, 'tests'));
    await commitAll(kernel, 'tests under vendor/');
    const run = await runUpdate(versions, kernel);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(join(kernel, 'vendor', ADDED_FILE), 'utf8')).toContain('newer templates');
  });

  it('merges CRLF files as CRLF: no whole-file conflict, no mixed endings, untouched files byte-identical', async () => {
    const kernel = await createOldKernel(versions, root, 'crlf');
    convertTreeToCrlf(kernel);
    const main = readFileSync(join(kernel, 'main.py'), 'latin1').replace(
      '    if message.value is None:',
      '    log.debug("mine")\r\n    if message.value is None:',
    );
    writeFileSync(join(kernel, 'main.py'), main, 'latin1');
    await commitAll(kernel, 'checked out on Windows');
    const readmeBefore = readFileSync(join(kernel, 'README.md'));
    const run = await runUpdate(versions, kernel);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/updated\s+Dockerfile/);
    expect(run.stdout).toMatch(/merged\s+main\.py/);
    const dockerfile = readFileSync(join(kernel, 'Dockerfile'));
    expect(dockerfile.toString('utf8')).toContain(`${NEW_BASE_LINE}\r\n`);
    expect(dockerfile.toString('utf8')).not.toContain('<<<<<<<');
    expect(hasLoneLf(dockerfile)).toBe(false);
    const merged = readFileSync(join(kernel, 'main.py'));
    expect(merged.toString('utf8')).toContain('    log.debug("mine")\r\n');
    expect(merged.toString('utf8')).toContain(`${NEW_DOC_LINE}\r\n`);
    expect(hasLoneLf(merged)).toBe(false);
    expect(readFileSync(join(kernel, 'README.md')).equals(readmeBefore)).toBe(true);
  });

  it('keeps a file that is not UTF-8 byte for byte and puts the new template beside it', async () => {
    const kernel = await createOldKernel(versions, root, 'latin1');
    const latin1 = Buffer.concat([
      readFileSync(join(kernel, 'main.py')),
      Buffer.from('# caf\xe9 cr\xe8me\n', 'latin1'),
    ]);
    writeFileSync(join(kernel, 'main.py'), latin1);
    await commitAll(kernel, 'a comment in Latin-1');
    const run = await runUpdate(versions, kernel, ['--json']);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(readFileSync(join(kernel, 'main.py')).equals(latin1)).toBe(true);
    const beside = readFileSync(join(kernel, 'main.py.template-new'), 'utf8');
    expect(beside).toContain(NEW_DOC_LINE);
    expect(beside).not.toContain(OLD_DOC_LINE);
    const result = JSON.parse(run.stdout) as {
      ok: boolean;
      files: { path: string; outcome: string; newTemplate?: string }[];
    };
    expect(result.ok).toBe(false);
    expect(result.files).toContainEqual(
      expect.objectContaining({ path: 'main.py', outcome: 'not-utf8', newTemplate: 'main.py.template-new' }),
    );
    expect(run.stderr).toMatch(/not-utf8\s+main\.py.*main\.py\.template-new/);
    expect(readFileSync(join(kernel, 'Dockerfile'), 'utf8')).toContain(NEW_BASE_LINE);
  });
});
