// Ctrl-C typed in a real terminal during `uv sync`, and a reader that closes the pipe early, spawning the built CLI.
import { existsSync } from 'node:fs';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, REPO_ROOT, listTree, makeTempDir, removeDir } from '../helpers/cli.js';
import { silentServer } from '../helpers/silent-server.js';

const PTY_SESSION = join(REPO_ROOT, 'test', 'helpers', 'pty_session.py');

interface PtyResult {
  exitCode: number | null;
  signal: number | null;
  output: string;
  replied: number;
}

const CTRL_C = '\u0003';

/** Runs the built CLI in a real pseudo-terminal, typing each reply when its cue shows. */
async function inTerminal(
  args: string[],
  steps: [string, string][],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutS?: number },
): Promise<PtyResult> {
  const run = await execa(
    'python3',
    [PTY_SESSION, JSON.stringify(steps), String(options.timeoutS ?? 60), process.execPath, CLI_BIN, ...args],
    {
      cwd: options.cwd,
      env: options.env,
      extendEnv: false,
    },
  );
  return JSON.parse(run.stdout) as PtyResult;
}

/** A package index that never answers, so `uv sync` waits until interrupted. */
async function silentIndex(): Promise<{ server: Server; url: string }> {
  const { server, port } = await silentServer();
  return { server, url: `http://127.0.0.1:${port}/simple` };
}

function withoutCi(): NodeJS.ProcessEnv {
  const { CI: _ci, UV_FIND_LINKS: _links, UV_INDEX: _extra, ...env } = process.env;
  return env;
}

describe('in a terminal and a pipe', () => {
  let cwd: string;
  let index: { server: Server; url: string };
  beforeAll(async () => {
    cwd = makeTempDir('cck-term-');
    index = await silentIndex();
  });
  afterAll(() => {
    index.server.close();
    removeDir(cwd);
  });

  it('Ctrl-C during the uv sync spinner exits 130, keeps the kernel and says how to resume', async () => {
    const env = {
      ...withoutCi(),
      NO_COLOR: '1',
      UV_DEFAULT_INDEX: index.url,
      UV_PYTHON_DOWNLOADS: 'never',
      UV_NO_CACHE: '1',
      UV_HTTP_TIMEOUT: '300',
    };
    const result = await inTerminal(
      ['stuck', '--kind', 'basic', '--yes', '--install', '--no-git'],
      [['Installing dependencies', CTRL_C]],
      { cwd, env, timeoutS: 90 },
    );
    expect(result.replied, result.output).toBe(1);
    expect(result.exitCode, result.output).toBe(130);
    expect(result.output).toMatch(/Cancelled\. .*cd stuck && uv sync/);
    expect(result.output).not.toMatch(/Canceled/);
    expect(listTree(join(cwd, 'stuck'))).toContain('pyproject.toml');
  }, 150_000);

  it('a reader that closes the pipe early is no error: no trace, exit 0, the kernel written', async () => {
    const child = execa(process.execPath, [CLI_BIN, 'piped', '--kind', 'http', '--yes', '--no-install', '--no-git'], {
      cwd,
      env: { NO_COLOR: '1' },
      reject: false,
      stdin: 'ignore',
    });
    // Closed before the CLI has started: every line it prints meets a broken pipe, as after `| head -1`.
    child.stdout?.destroy();
    const result = await child;
    expect(result.stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(join(cwd, 'piped', '.clustera-kernel.json'))).toBe(true);
  });

  it.each([[['--help']], [['kinds']]])('%s into a pipe closed early exits 0 without a trace', async (args) => {
    const child = execa(process.execPath, [CLI_BIN, ...args], { cwd, reject: false, stdin: 'ignore' });
    child.stdout?.destroy();
    const result = await child;
    expect(result.stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(result.exitCode, result.stderr).toBe(0);
  });

  // A parent may hand over a non-blocking pipe; when it is full, writes fail with EAGAIN instead of waiting.
  it('a full non-blocking stdout gets all the output, in order, once the reader drains it', async () => {
    const helper = join(REPO_ROOT, 'test', 'helpers', 'nonblocking_pipe.py');
    const run = await execa(
      'python3',
      [
        helper,
        process.execPath,
        CLI_BIN,
        'full-pipe',
        '--kind',
        'basic',
        '--yes',
        '--no-install',
        '--no-git',
        '--json',
      ],
      { cwd },
    );
    const result = JSON.parse(run.stdout) as {
      exitCode: number;
      filler: number;
      leading: number;
      output: string;
      stderr: string;
    };
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.leading).toBe(result.filler);
    expect(JSON.parse(result.output)).toMatchObject({ ok: true, command: 'create', directory: join(cwd, 'full-pipe') });
  });
});
