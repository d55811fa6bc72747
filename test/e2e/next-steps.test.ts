// What the CLI tells a new user: next steps with the kind's variables, what a dry run would run, one spelling.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTempDir, removeDir, runCli } from '../helpers/cli.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('guidance', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeTempDir('cck-steps-');
  });
  afterAll(() => removeDir(cwd));

  it("next steps name the kind's required variables and docker compose", async () => {
    const run = await runCli(['orders', '--kind', 'database', '--yes', '--no-install', '--no-git'], { cwd });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/cp \.env\.template \.env +# then set KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL/);
    expect(run.stdout).toContain('docker compose up --build');
  });

  it('next steps say that an image needs the runtime from an index, unless the kernel names one', async () => {
    const fromClone = await runCli(['from-clone', '--kind', 'basic', '--yes', '--no-install', '--no-git'], { cwd });
    expect(fromClone.stdout).toMatch(/docker compose up --build +# once the runtime comes from a package index/);
    const withIndex = await runCli(
      ['with-index', '--kind', 'basic', '--python-index', 'https://pypi.example.test/simple/', '--yes', '--no-install'],
      { cwd },
    );
    expect(withIndex.exitCode, withIndex.stderr).toBe(0);
    expect(withIndex.stdout).toMatch(/docker compose up --build +# Kafka and the kernel together/);
  });

  it('--dry-run lists the commands it would run, in text and JSON', async () => {
    const text = await runCli(['dry', '--kind', 'ai', '--yes', '--install', '--dry-run'], { cwd });
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/commands would run in dry:\n {2}uv sync\n {2}git init\n/);
    const json = await runCli(['dry', '--kind', 'ai', '--yes', '--no-install', '--dry-run', '--json'], { cwd });
    expect((JSON.parse(json.stdout) as { plannedCommands: string[] }).plannedCommands).toEqual([
      'git init',
      'git add --all',
      'git commit',
    ]);
  });

  it('spells "cancelled" one way in the CLI, its templates and README', () => {
    const sources = [
      ...filesUnder(join(REPO_ROOT, 'src')),
      ...filesUnder(join(REPO_ROOT, 'templates')),
      join(REPO_ROOT, 'README.md'),
    ];
    const offenders = sources.filter((file) => /\bcancel(ed|ing)\b/i.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('README shows npm create as well as npx', () => {
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toContain('npm create clustera-kernel@latest');
  });
});
