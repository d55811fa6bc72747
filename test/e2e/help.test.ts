// Every command's --help reads as plain text: defaults without quotes or empty-list brackets, and exit 0.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, makeTempDir, removeDir, runCli } from '../helpers/cli.js';

const COMMANDS = [[], ['test-run'], ['update'], ['check'], ['kinds']];

describe('--help', () => {
  it.each(COMMANDS.map((command) => [command.join(' ') || 'create', command] as const))(
    '%s shows its defaults as plain values',
    async (_name, command) => {
      const run = await runCli([...command, '--help'], { cwd: process.cwd() });
      expect(run.exitCode).toBe(0);
      const text = run.stdout.replace(/\s+/g, ' ');
      expect(text).not.toMatch(/default: "/);
      expect(text).not.toMatch(/default: \[\]/);
    },
  );

  it('test-run names its numeric defaults', async () => {
    const text = (await runCli(['test-run', '--help'], { cwd: process.cwd() })).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('how many sample messages to produce (default: 100)');
    expect(text).toContain('committed by then (default: 120)');
  });

  // Plain --help is printed from text the build rendered with commander; it must be what commander prints itself.
  it.each([['--help'], ['-h']])('%s to a pipe is exactly what commander prints at 80 columns', (flag) => {
    // Both spawned the same way, byte for byte (runCli drops the final newline).
    const fast = execFileSync(process.execPath, [join(REPO_ROOT, 'bin', 'create-clustera-kernel.js'), flag], {
      encoding: 'utf8',
    });
    const cli = pathToFileURL(join(REPO_ROOT, 'dist', 'cli.js')).href;
    const script = `const { main } = await import(${JSON.stringify(cli)}); process.exitCode = await main(['node', 'create-clustera-kernel', '--help']);`;
    const commander = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(commander).toContain('Usage: create-clustera-kernel');
    expect(fast).toBe(commander);
  });

  it('`help` prints the same help and writes nothing; `help kinds` prints the kinds help', async () => {
    const cwd = makeTempDir('cck-help-');
    try {
      const [help, flag, kinds] = await Promise.all([
        runCli(['help'], { cwd }),
        runCli(['--help'], { cwd }),
        runCli(['help', 'kinds'], { cwd }),
      ]);
      expect(help.exitCode, help.stderr).toBe(0);
      expect(help.stdout).toBe(flag.stdout);
      expect(kinds.stdout).toContain('Usage: create-clustera-kernel kinds');
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      removeDir(cwd);
    }
  });
});
