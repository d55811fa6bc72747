// Which questions a user sees in a real terminal, and that CI or --yes never asks, spawning the built CLI.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, REPO_ROOT, makeTempDir, removeDir, runCli } from '../helpers/cli.js';

const PTY_SESSION = join(REPO_ROOT, 'test', 'helpers', 'pty_session.py');
const CTRL_C = '\u0003';

interface PtyResult {
  exitCode: number | null;
  output: string;
  replied: number;
}

function terminalEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { CI: _ci, ...env } = process.env;
  return { ...env, NO_COLOR: '1', ...extra };
}

async function inTerminal(
  cwd: string,
  args: string[],
  steps: [string, string][],
  env = terminalEnv(),
): Promise<PtyResult> {
  const run = await execa('python3', [PTY_SESSION, JSON.stringify(steps), '30', process.execPath, CLI_BIN, ...args], {
    cwd,
    env,
    extendEnv: false,
  });
  return JSON.parse(run.stdout) as PtyResult;
}

describe('questions', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeTempDir('cck-ask-');
  });
  afterAll(() => removeDir(cwd));

  it('a non-empty directory is refused at the directory question, which is asked again', async () => {
    mkdirSync(join(cwd, 'full'));
    writeFileSync(join(cwd, 'full', 'notes.txt'), 'mine');
    const result = await inTerminal(
      cwd,
      [],
      [
        ['Where should the kernel be created', 'full\r'],
        ['is not empty', CTRL_C],
      ],
    );
    expect(result.replied, result.output).toBe(2);
    expect(result.output).not.toContain('Kafka topic');
    expect(result.exitCode, result.output).toBe(130);
  });

  it('a directory argument that is a valid name is not asked again as the kernel name', async () => {
    const result = await inTerminal(
      cwd,
      ['ai-bot', '--kind', 'ai', '--topic', 'docs', '--no-git'],
      [
        ['Schema of the messages', '\r'],
        ['Schema of the answers published to OUTPUT_TOPIC', '\r'],
        ['Install dependencies now', CTRL_C],
      ],
    );
    expect(result.replied, result.output).toBe(3);
    expect(result.output).not.toContain('Kernel name');
    expect(result.exitCode, result.output).toBe(130);
  });

  it('CI=true in a terminal asks nothing: a value without a default exits 2 naming its flag', async () => {
    const result = await inTerminal(cwd, ['ci-kernel'], [], terminalEnv({ CI: 'true' }));
    expect(result.exitCode, result.output).toBe(2);
    expect(result.output).toContain('Missing kind: pass --kind');
    expect(result.output).not.toMatch(/What kind of kernel|Kernel name|Kafka topic/);
    expect(existsSync(join(cwd, 'ci-kernel'))).toBe(false);
  });

  it('--yes without a directory takes the default my-kernel', async () => {
    const run = await runCli(['--yes', '--no-install', '--no-git'], { cwd });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(existsSync(join(cwd, 'my-kernel', '.clustera-kernel.json'))).toBe(true);
  });
});
