// check: offline, no git, no network; 0 current, 1 update available (naming files), 2 error; one JSON object with --json.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, runCli } from '../helpers/cli.js';
import {
  buildTemplateVersions,
  createOldKernel,
  editFile,
  NEW_VERSION,
  type TemplateVersions,
} from '../helpers/template-versions.js';

describe('check', () => {
  let root: string;
  let versions: TemplateVersions;
  let kernel: string;
  // No git and no npm on PATH: check must not need them.
  let bareEnv: Record<string, string>;
  beforeAll(async () => {
    root = makeTempDir('cck-check-');
    versions = buildTemplateVersions(root);
    kernel = await createOldKernel(versions, root, 'checked', ['--no-git']);
    bareEnv = { PATH: mkdtempSync(join(tmpdir(), 'cck-empty-path-')) };
  });
  afterAll(() => {
    removeDir(root);
    removeDir(bareEnv.PATH!);
  });

  it('exits 0 on the templates it was made with, even after the user edited files', async () => {
    editFile(kernel, 'main.py', (t) => `${t}\n# my note\n`);
    const run = await runCli(['check'], { cwd: kernel, env: { ...versions.oldEnv, ...bareEnv } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('on the current templates');
  });

  it('exits 1 naming the files an update would change, with both versions in --json', async () => {
    const text = await runCli(['check', kernel], { cwd: root, env: { ...versions.newEnv, ...bareEnv } });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(/changed\s+Dockerfile/);
    expect(text.stdout).toMatch(/added\s+tests\/template_note\.py/);
    const json = await runCli(['check', kernel, '--json'], { cwd: root, env: { ...versions.newEnv, ...bareEnv } });
    expect(json.exitCode).toBe(1);
    const result = JSON.parse(json.stdout) as {
      current: boolean;
      recordedVersion: string;
      currentVersion: string;
      files: { path: string }[];
    };
    expect(result).toMatchObject({ current: false, recordedVersion: '0.1.0', currentVersion: NEW_VERSION });
    expect(result.files.map((f) => f.path)).toEqual([
      '.dockerignore',
      'Dockerfile',
      'main.py',
      'tests/template_note.py',
    ]);
  });

  it('exits 2 with one JSON object when the manifest is broken', async () => {
    const broken = await createOldKernel(versions, root, 'broken', ['--no-git']);
    editFile(broken, '.clustera-kernel.json', () => '{ not json');
    const run = await runCli(['check', '--json'], { cwd: broken, env: versions.newEnv });
    expect(run.exitCode).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, command: 'check', exitCode: 2 });
    expect(run.stderr).toBe("error: Cannot read the kernel's manifest: .clustera-kernel.json is not valid JSON.");
  });
});
