// create --python-index and update --set python-index=, spawned as a user would: the kernel's pyproject.toml takes the
// runtime from the named index instead of this clone's runtime/, the manifest records it, and a URL with credentials
// is refused in one line with nothing written.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT, removeDir, runCli } from '../helpers/cli.js';

const INDEX = 'https://pypi.example.test/simple/';
const SECRET_INDEX = 'https://deploy:s3cret-Pa55@pypi.example.test/simple/';
const INDEX_BLOCK = `[[tool.uv.index]]\nname = "clustera"\nurl = "${INDEX}"\nexplicit = true\n\n[tool.uv.sources]\nclustera-kernel-runtime = { index = "clustera" }\n`;
const PATH_SOURCE = `clustera-kernel-runtime = { path = ${JSON.stringify(join(REPO_ROOT, 'runtime'))} }`;
const QUIET = ['--yes', '--no-install', '--no-git'];

const pyproject = (kernel: string) => readFileSync(join(kernel, 'pyproject.toml'), 'utf8');
const recorded = (kernel: string) =>
  (JSON.parse(readFileSync(join(kernel, '.clustera-kernel.json'), 'utf8')) as { answers: Record<string, string> })
    .answers;

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd })).stdout;
}

describe('create --python-index', () => {
  let root: string;
  beforeAll(() => {
    root = makeTempDir('cck-python-index-');
  });
  afterAll(() => removeDir(root));

  it('writes the index block and no path source, and records the index in the manifest', async () => {
    const run = await runCli(['indexed', '--kind', 'http', '--python-index', INDEX, ...QUIET], { cwd: root });
    expect(run.exitCode, run.stderr).toBe(0);
    const kernel = join(root, 'indexed');
    const toml = pyproject(kernel);
    expect(toml).toContain(INDEX_BLOCK);
    expect(toml).not.toContain('{ path =');
    expect(toml.match(/^\[tool\.uv\.sources\]$/gm)).toHaveLength(1);
    expect(recorded(kernel)).toEqual({
      name: 'indexed',
      topic: 'clustera-indexed',
      kind: 'http',
      group: 'indexed-group',
      pythonIndex: INDEX,
    });
    expect(readFileSync(join(kernel, 'README.md'), 'utf8')).toContain(`package index \`${INDEX}\``);
    const check = await runCli(['check'], { cwd: kernel });
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
  });

  it('takes it from an answers file, and --dry-run --json reports it and writes nothing', async () => {
    const dir = makeTempDir('cck-python-index-answers-');
    try {
      writeFileSync(join(dir, 'answers.json'), JSON.stringify({ name: 'planned', kind: 'basic', pythonIndex: INDEX }));
      const run = await runCli(['--answers', 'answers.json', '--dry-run', '--json', ...QUIET], { cwd: dir });
      expect(run.exitCode, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout) as { dryRun: boolean; answers: Record<string, string>; files: string[] };
      expect(result.dryRun).toBe(true);
      expect(result.answers).toMatchObject({ name: 'planned', pythonIndex: INDEX });
      expect(result.files).toContain('pyproject.toml');
      expect(readdirSync(dir)).toEqual(['answers.json']);
    } finally {
      removeDir(dir);
    }
  });

  it('without it, made from this clone, names the clone’s runtime/ and records no index', async () => {
    const run = await runCli(['from-clone', '--kind', 'basic', ...QUIET], { cwd: root });
    expect(run.exitCode, run.stderr).toBe(0);
    const kernel = join(root, 'from-clone');
    expect(pyproject(kernel)).toContain(PATH_SOURCE);
    expect(pyproject(kernel)).not.toContain('[[tool.uv.index]]');
    expect(recorded(kernel)).not.toHaveProperty('pythonIndex');
  });

  it.each([
    [
      'credentials',
      SECRET_INDEX,
      /must not carry credentials.*UV_INDEX_CLUSTERA_USERNAME and UV_INDEX_CLUSTERA_PASSWORD/,
    ],
    ['no scheme', 'pypi.example.test/simple/', /must be an absolute http:\/\/ or https:\/\/ URL/],
    ['a quote', 'https://pypi.example.test/"/', /may not contain quotes/],
    ['a newline', 'https://pypi.example.test/\n[x]', /whitespace or control characters/],
  ])(
    'refuses a URL with %s: exit 2, one line, no directory, the secret never printed',
    async (_label, url, message) => {
      for (const json of [[], ['--json']]) {
        const run = await runCli(['refused', '--kind', 'basic', '--python-index', url, ...json, ...QUIET], {
          cwd: root,
        });
        expect(run.exitCode).toBe(2);
        if (json.length === 0) {
          expect(run.stdout).toBe('');
          expect(run.stderr.trim().split('\n')).toHaveLength(1);
          expect(run.stderr).toMatch(message);
        } else {
          expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, command: 'create', exitCode: 2 });
          expect((JSON.parse(run.stdout) as { error: string }).error).toMatch(message);
        }
        expect(run.stdout + run.stderr).not.toContain('s3cret');
        expect(existsSync(join(root, 'refused'))).toBe(false);
      }
    },
  );
});

describe('update --set python-index', () => {
  let root: string;
  beforeAll(() => {
    root = makeTempDir('cck-set-python-index-');
  });
  afterAll(() => removeDir(root));

  async function createCommitted(name: string): Promise<string> {
    const created = await runCli([name, '--kind', 'basic', '--yes', '--no-install'], { cwd: root });
    expect(created.exitCode, created.stderr).toBe(0);
    return join(root, name);
  }

  it('switches a kernel made without it from the path source to the index, and back with an empty value', async () => {
    const kernel = await createCommitted('switched');
    const before = pyproject(kernel);
    expect(before).toContain(PATH_SOURCE);

    const dry = await runCli(['update', '--set', `python-index=${INDEX}`, '--dry-run', '--json'], { cwd: kernel });
    expect(dry.exitCode, dry.stderr).toBe(0);
    const planned = JSON.parse(dry.stdout) as { dryRun: boolean; diffs: Record<string, string> };
    expect(planned.dryRun).toBe(true);
    expect(planned.diffs['pyproject.toml']).toContain('+[[tool.uv.index]]');
    expect(planned.diffs['pyproject.toml']).toContain(`-${PATH_SOURCE}`);
    expect(await git(kernel, 'status', '--porcelain')).toBe('');
    expect(recorded(kernel)).not.toHaveProperty('pythonIndex');

    const run = await runCli(['update', '--set', `python-index=${INDEX}`, '--json'], { cwd: kernel });
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { files: { path: string; outcome: string }[] };
    expect(Object.fromEntries(result.files.map((f) => [f.path, f.outcome]))).toMatchObject({
      'pyproject.toml': 'updated',
      'README.md': 'updated',
    });
    expect(pyproject(kernel)).toContain(INDEX_BLOCK);
    expect(pyproject(kernel)).not.toContain('{ path =');
    expect(recorded(kernel).pythonIndex).toBe(INDEX);
    const check = await runCli(['check'], { cwd: kernel });
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);

    await git(kernel, 'commit', '-qam', 'The runtime from our index');
    const removed = await runCli(['update', '--set', 'python-index='], { cwd: kernel, env: { CI: 'true' } });
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(pyproject(kernel)).toBe(before);
    expect(recorded(kernel)).not.toHaveProperty('pythonIndex');
  }, 120_000);

  it('refuses a URL with credentials in one line, exit 2, nothing written and the secret never printed', async () => {
    const kernel = await createCommitted('kept');
    const run = await runCli(['update', '--set', `python-index=${SECRET_INDEX}`], { cwd: kernel });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/must not carry credentials.*UV_INDEX_CLUSTERA_USERNAME/);
    expect(run.stdout + run.stderr).not.toContain('s3cret');
    expect(await git(kernel, 'status', '--porcelain')).toBe('');
  }, 60_000);
});
