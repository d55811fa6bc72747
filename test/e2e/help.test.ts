// Every command's --help reads as plain text: defaults without quotes or empty-list brackets, and exit 0.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const COMMANDS = [[], ['test-run'], ['update'], ['check'], ['kinds']];

describe('--help', () => {
  it.each(COMMANDS.map((command) => [command.join(' ') || 'create', command] as const))('%s shows its defaults as plain values', async (_name, command) => {
    const run = await runCli([...command, '--help'], { cwd: process.cwd() });
    expect(run.exitCode).toBe(0);
    const text = run.stdout.replace(/\s+/g, ' ');
    expect(text).not.toMatch(/default: "/);
    expect(text).not.toMatch(/default: \[\]/);
  });

  it('test-run names its numeric defaults', async () => {
    const text = (await runCli(['test-run', '--help'], { cwd: process.cwd() })).stdout.replace(/\s+/g, ' ');
    expect(text).toContain('how many sample messages to produce (default: 100)');
    expect(text).toContain('committed by then (default: 120)');
  });
});
