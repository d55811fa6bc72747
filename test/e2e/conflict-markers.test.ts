// Conflict blocks left in a kernel (by a conflicted update) fail check and stop a further update until resolved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, runCli } from '../helpers/cli.js';
import {
  buildTemplateVersions,
  createOldKernel,
  editFile,
  type TemplateVersions,
} from '../helpers/template-versions.js';

const BLOCK = '<<<<<<< yours\nmine = 1\n=======\ntheirs = 2\n>>>>>>> new template\n';

describe('unresolved conflict blocks', () => {
  let root: string;
  let versions: TemplateVersions;
  let kernel: string;
  beforeAll(async () => {
    root = makeTempDir('cck-markers-');
    versions = buildTemplateVersions(root);
    kernel = await createOldKernel(versions, root, 'marked', ['--no-git']);
    editFile(kernel, 'main.py', (text) => `${text}\n${BLOCK}`);
  });
  afterAll(() => removeDir(root));

  it('make check exit 1 naming the file, also on the current templates', async () => {
    const text = await runCli(['check'], { cwd: kernel, env: versions.oldEnv });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain('on the current templates');
    expect(text.stdout).toContain('Unresolved conflict blocks (<<<<<<< … >>>>>>>) in main.py');
    const json = await runCli(['check', '--json'], { cwd: kernel, env: versions.oldEnv });
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ current: true, conflicted: ['main.py'] });
  });

  it('stop update with one sentence and exit 2, changing nothing; --force goes on', async () => {
    const refused = await runCli(['update'], { cwd: kernel, env: versions.newEnv });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(
      'error: Resolve the conflict blocks (<<<<<<< … >>>>>>>) left in main.py first, or pass --force.',
    );
    const stillOld = await runCli(['check', '--json'], { cwd: kernel, env: versions.newEnv });
    expect(JSON.parse(stillOld.stdout)).toMatchObject({ current: false });
    const forced = await runCli(['update', '--force'], { cwd: kernel, env: versions.newEnv });
    expect(forced.stdout + forced.stderr).toContain('Updating over unresolved conflict blocks (--force) in main.py.');
    expect([0, 1]).toContain(forced.exitCode);
  });
});
