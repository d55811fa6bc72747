// update prints CHANGELOG.md's entries between the kernel's recorded version and the current one; --json carries them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../helpers/cli.js';
import {
  buildTemplateVersions,
  createOldKernel,
  NEW_VERSION,
  OLD_VERSION,
  runUpdate,
  type TemplateVersions,
} from '../helpers/template-versions.js';

interface ReleaseNotesJson {
  from: string;
  to: string;
  releaseNotes: { version: string; notes: string[]; migrations: string[] }[];
}

describe('update release notes', () => {
  let root: string;
  let versions: TemplateVersions;
  let kernel: string;
  beforeAll(async () => {
    root = makeTempDir('cck-release-notes-');
    versions = buildTemplateVersions(root);
    kernel = await createOldKernel(versions, root, 'noted');
  });
  afterAll(() => removeDir(root));

  it('--dry-run prints the notes of every release after the recorded one and each migration note as a warning', async () => {
    const run = await runUpdate(versions, kernel, ['--dry-run']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(`What changed in ${NEW_VERSION}:`);
    expect(run.stdout).toContain('kernel_runtime/health_server.py');
    expect(run.stdout).toMatch(
      new RegExp(
        `warning: ${NEW_VERSION.replaceAll('.', '\\.')} migration: If your code imports \`kernel_runtime\\.health\``,
      ),
    );
    expect(run.stdout).not.toContain(`What changed in ${OLD_VERSION}:`);
  });

  it('--json carries them as releaseNotes, and a kernel already on the current version gets none', async () => {
    const run = await runUpdate(versions, kernel, ['--dry-run', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as ReleaseNotesJson;
    expect(result.from).toBe(OLD_VERSION);
    expect(result.releaseNotes.map((release) => release.version)).toEqual([NEW_VERSION]);
    expect(result.releaseNotes[0]!.notes.length).toBeGreaterThan(0);
    expect(result.releaseNotes[0]!.migrations.some((note) => note.includes('kernel_runtime.health_probe'))).toBe(true);

    const current = await createOldKernel({ ...versions, oldEnv: versions.newEnv }, root, 'fresh');
    const none = JSON.parse((await runUpdate(versions, current, ['--dry-run', '--json'])).stdout) as ReleaseNotesJson;
    expect(none.from).toBe(NEW_VERSION);
    expect(none.releaseNotes).toEqual([]);
  });
});
