// Hostile and malformed inputs: each is refused with exit 2, one sentence on stderr, and nothing on disk.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, runCli } from '../helpers/cli.js';

const BAD_VALUES: { label: string; args: string[] }[] = [
  { label: 'name with path traversal', args: ['--name', '../evil'] },
  { label: 'name as an absolute path', args: ['--name', '/etc/passwd'] },
  { label: 'name with a double quote', args: ['--name', 'a"b'] },
  { label: 'name with a single quote', args: ['--name', "a'b"] },
  { label: 'name with a newline', args: ['--name', 'ab\ncd'] },
  { label: 'name with shell metacharacters', args: ['--name', 'a;rm -rf /'] },
  { label: 'name with a command substitution', args: ['--name', '$(whoami)'] },
  { label: 'name with backticks', args: ['--name', '`id`'] },
  { label: 'name with unicode', args: ['--name', 'kérnel'] },
  { label: 'name with an emoji', args: ['--name', 'kernel-🚀'] },
  { label: 'empty name', args: ['--name', ''] },
  { label: 'one-letter name', args: ['--name', 'a'] },
  { label: 'name longer than 50', args: ['--name', `k${'a'.repeat(50)}`] },
  { label: 'uppercase name', args: ['--name', 'MyKernel'] },
  { label: 'name starting with a digit', args: ['--name', '1kernel'] },
  { label: 'name with a double dash', args: ['--name', 'my--kernel'] },
  { label: 'name ending with a dash', args: ['--name', 'kernel-'] },
  { label: 'name with an underscore', args: ['--name', 'my_kernel'] },
  { label: 'name "."', args: ['--name', '.'] },
  { label: 'name ".."', args: ['--name', '..'] },
  { label: 'topic "."', args: ['--name', 'ok-name', '--topic', '.'] },
  { label: 'topic ".."', args: ['--name', 'ok-name', '--topic', '..'] },
  { label: 'empty topic', args: ['--name', 'ok-name', '--topic', ''] },
  { label: 'topic with a space', args: ['--name', 'ok-name', '--topic', 'my topic'] },
  { label: 'topic with a slash', args: ['--name', 'ok-name', '--topic', '../topic'] },
  { label: 'topic with a quote', args: ['--name', 'ok-name', '--topic', 'or"ders'] },
  { label: 'topic with a newline', args: ['--name', 'ok-name', '--topic', 'orders\nFROM scratch'] },
  { label: 'topic with unicode', args: ['--name', 'ok-name', '--topic', 'commandés'] },
  { label: 'topic of 250 characters', args: ['--name', 'ok-name', '--topic', 't'.repeat(250)] },
  { label: 'topic with a dollar sign', args: ['--name', 'ok-name', '--topic', '$' + '{HOME}'] },
  { label: 'group with a semicolon', args: ['--name', 'ok-name', '--group', 'g;rm -rf /'] },
  { label: 'group with a newline', args: ['--name', 'ok-name', '--group', 'g\nx'] },
  { label: 'empty group', args: ['--name', 'ok-name', '--group', ''] },
  { label: 'unknown kind', args: ['--name', 'ok-name', '--kind', 'ftp'] },
  { label: 'kind with different case', args: ['--name', 'ok-name', '--kind', 'Database'] },
  { label: 'directory with a newline', args: ['bad\ndir', '--name', 'ok-name'] },
  { label: 'directory whose basename is not a valid name', args: ['Bad_Dir'] },
  { label: 'unknown flag', args: ['--name', 'ok-name', '--colour', 'blue'] },
];

describe('validation of create inputs', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeTempDir('cck-validate-');
  });
  afterAll(() => removeDir(cwd));

  it('covers at least 30 bad values', () => {
    expect(BAD_VALUES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD_VALUES)('rejects $label', async ({ args }) => {
    const kind = args.includes('--kind') ? [] : ['--kind', 'basic'];
    const run = await runCli([...args, ...kind, '--yes', '--no-install', '--no-git'], { cwd });
    expect(run.exitCode).toBe(2);
    const errorLines = run.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]!.length).toBeGreaterThan(20);
    expect(run.stdout).toBe('');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('rejects hostile values from an answers file the same way', async () => {
    const dir = makeTempDir('cck-answers-');
    const file = join(dir, 'answers.json');
    writeFileSync(file, JSON.stringify({ name: 'ok-name', topic: 'x"; rm -rf /', kind: 'basic' }));
    const run = await runCli(['--answers', file, '--yes', '--no-install', '--no-git'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^error: Topic .* may contain only/m);
    expect(readdirSync(dir)).toEqual(['answers.json']);
    removeDir(dir);
  });
});
