// The built CLI as a user runs it: what it writes, what it prints, and what it refuses.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KINDS } from '../../src/kinds.js';
import { listTree, makeTempDir, removeDir, runCli } from '../helpers/cli.js';

const QUIET = ['--no-install', '--no-git'];

describe('create (built CLI)', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = makeTempDir('cck-create-');
  });
  afterEach(() => removeDir(cwd));

  it('creates a kernel with flags only and records it in .clustera-kernel.json', async () => {
    const run = await runCli(['orders-sink', '--kind', 'database', '--topic', 'orders', ...QUIET], { cwd });
    expect(run.exitCode).toBe(0);
    const manifest = JSON.parse(readFileSync(join(cwd, 'orders-sink', '.clustera-kernel.json'), 'utf8'));
    expect(manifest.answers).toEqual({
      name: 'orders-sink',
      topic: 'orders',
      kind: 'database',
      group: 'orders-sink-group',
    });
    const files = listTree(join(cwd, 'orders-sink'));
    expect(Object.keys(manifest.files).sort()).toEqual(files.filter((f) => f !== '.clustera-kernel.json'));
    expect(files).toEqual(
      expect.arrayContaining(['main.py', 'pyproject.toml', '.env.template', 'Dockerfile', '.gitignore']),
    );
    expect(run.stdout).toContain('Next steps');
  });

  it('--dry-run lists the files and writes nothing', async () => {
    const run = await runCli(['k1', '--kind', 'http', '--yes', '--dry-run', ...QUIET], { cwd });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('main.py');
    expect(run.stdout).toContain('nothing was');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('--json prints exactly one JSON object describing the result', async () => {
    const run = await runCli(['k2', '--kind', 'ai', '--yes', '--json', ...QUIET], { cwd });
    expect(run.exitCode).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      ok: true,
      command: 'create',
      directory: join(cwd, 'k2'),
      answers: { name: 'k2', topic: 'clustera-k2', kind: 'ai', group: 'k2-group' },
      dryRun: false,
      commands: [],
    });
    expect(result.files).toContain('main.py');
    expect(result.files).toEqual(listTree(join(cwd, 'k2')));
  });

  it('--json reports an error as JSON with its exit code', async () => {
    const run = await runCli(['k3', '--json', ...QUIET], { cwd });
    expect(run.exitCode).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      command: 'create',
      error: 'Missing kind: pass --kind or --yes.',
      exitCode: 2,
    });
  });

  it('reads every input from an answers file', async () => {
    writeFileSync(
      join(cwd, 'a.json'),
      JSON.stringify({
        directory: 'from-file',
        name: 'file-kernel',
        topic: 'events',
        kind: 'http',
        group: 'gg',
        install: false,
        git: false,
      }),
    );
    const run = await runCli(['--answers', 'a.json'], { cwd });
    expect(run.exitCode).toBe(0);
    const manifest = JSON.parse(readFileSync(join(cwd, 'from-file', '.clustera-kernel.json'), 'utf8'));
    expect(manifest.answers).toEqual({ name: 'file-kernel', topic: 'events', kind: 'http', group: 'gg' });
  });

  it('refuses a non-empty directory without --force and changes nothing', async () => {
    mkdirSync(join(cwd, 'busy'));
    writeFileSync(join(cwd, 'busy', 'notes.txt'), 'mine');
    const run = await runCli(['busy', '--kind', 'basic', ...QUIET], { cwd });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/is not empty.*--force/);
    expect(listTree(join(cwd, 'busy'))).toEqual(['notes.txt']);
  });

  it('with --force never replaces an existing file and names the clashes', async () => {
    mkdirSync(join(cwd, 'busy'));
    writeFileSync(join(cwd, 'busy', 'main.py'), 'my code');
    writeFileSync(join(cwd, 'busy', 'Dockerfile'), 'FROM mine');
    const run = await runCli(['busy', '--kind', 'basic', '--force', ...QUIET], { cwd });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Dockerfile, main.py');
    expect(listTree(join(cwd, 'busy'))).toEqual(['Dockerfile', 'main.py']);
    expect(readFileSync(join(cwd, 'busy', 'main.py'), 'utf8')).toBe('my code');
  });

  it('with --force adds the kernel beside unrelated files', async () => {
    mkdirSync(join(cwd, 'busy'));
    writeFileSync(join(cwd, 'busy', 'notes.txt'), 'mine');
    const run = await runCli(['busy', '--kind', 'basic', '--force', ...QUIET], { cwd });
    expect(run.exitCode).toBe(0);
    expect(listTree(join(cwd, 'busy'))).toEqual(
      expect.arrayContaining(['notes.txt', 'main.py', '.clustera-kernel.json']),
    );
  });

  it('makes a first commit with --git', async () => {
    const run = await runCli(['gitty', '--kind', 'basic', '--no-install', '--git'], {
      cwd,
      env: { GIT_CONFIG_GLOBAL: '/dev/null' },
    });
    expect(run.exitCode).toBe(0);
    const log = await execa('git', ['log', '--format=%s'], { cwd: join(cwd, 'gitty') });
    expect(log.stdout).toBe('Create gitty kernel with create-clustera-kernel');
    const status = await execa('git', ['status', '--porcelain'], { cwd: join(cwd, 'gitty') });
    expect(status.stdout).toBe('');
  });

  it('does not git init inside an existing work tree', async () => {
    await execa('git', ['init', '--quiet'], { cwd });
    const run = await runCli(['inner', '--kind', 'basic', '--no-install'], { cwd });
    expect(run.exitCode).toBe(0);
    expect(existsSync(join(cwd, 'inner', '.git'))).toBe(false);
    expect(run.stdout).toContain('not running git init');
  });

  it('--install runs uv sync in the new kernel', async () => {
    const run = await runCli(['installed', '--kind', 'basic', '--install', '--no-git'], {
      cwd,
      env: { UV_PYTHON_DOWNLOADS: 'never' },
    });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('Dependencies installed.');
    expect(existsSync(join(cwd, 'installed', '.venv'))).toBe(true);
    expect(existsSync(join(cwd, 'installed', 'uv.lock'))).toBe(true);
  });

  it('--json reports an unknown flag as JSON too', async () => {
    const run = await runCli(['k4', '--json', '--colour'], { cwd });
    expect(run.exitCode).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: false,
      exitCode: 2,
      error: expect.stringContaining('--colour'),
    });
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('keeps the kernel and prints the retry command when uv sync fails', async () => {
    const run = await runCli(['broken', '--kind', 'basic', '--install', '--no-git'], {
      cwd,
      env: { PATH: '/nonexistent', UV_PYTHON_DOWNLOADS: 'never' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('Retry with: cd broken && uv sync');
    expect(existsSync(join(cwd, 'broken', 'main.py'))).toBe(true);
  });

  it('warns about a topic that mixes "." and "_"', async () => {
    const run = await runCli(['warned', '--kind', 'basic', '--topic', 'a.b_c', ...QUIET], { cwd });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('mixes "." and "_"');
  });

  it('`kinds --json` lists every kind from the same table the templates use', async () => {
    const run = await runCli(['kinds', '--json'], { cwd });
    expect(run.exitCode).toBe(0);
    const listing = JSON.parse(run.stdout);
    expect(listing.kinds.map((k: { name: string }) => k.name)).toEqual(KINDS.map((k) => k.name));
    expect(
      listing.kinds.find((k: { name: string }) => k.name === 'database').env.map((v: { name: string }) => v.name),
    ).toContain('DATABASE_URL');
    expect(listing.base.env.map((v: { name: string }) => v.name)).toContain('KAFKA_BOOTSTRAP_SERVERS');
  });

  it('`kinds` prints a readable table', async () => {
    const run = await runCli(['kinds'], { cwd });
    expect(run.exitCode).toBe(0);
    for (const kind of KINDS) expect(run.stdout).toContain(`${kind.name} — ${kind.description}`);
  });

  it('exits 0 for --help and --version, 2 for an unknown subcommand option', async () => {
    expect((await runCli(['--help'], { cwd })).exitCode).toBe(0);
    expect((await runCli(['--version'], { cwd })).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await runCli(['kinds', '--bogus'], { cwd })).exitCode).toBe(2);
  });
});
