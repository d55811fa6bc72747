// With --json every command fails the same way: one object { ok, command, error, exitCode } on stdout, Ctrl-C included.
import type { Server } from 'node:net';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, makeTempDir, removeDir, runCli } from '../helpers/cli.js';
import { silentServer } from '../helpers/silent-server.js';

const FAILURE_KEYS = ['command', 'error', 'exitCode', 'ok'];

/** Runs the built CLI and sends SIGINT once `cue` shows on stderr. */
async function interruptWhen(args: string[], cue: RegExp, cwd: string, env: NodeJS.ProcessEnv = {}) {
  const child = execa(process.execPath, [CLI_BIN, ...args], {
    cwd,
    env: { NO_COLOR: '1', ...env },
    reject: false,
    stdin: 'ignore',
  });
  let seen = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const before = seen;
    seen += chunk.toString('utf8');
    if (!cue.test(before) && cue.test(seen)) child.kill('SIGINT');
  });
  return child;
}

describe('--json failures', () => {
  let cwd: string;
  let silent: { server: Server; port: number };
  beforeAll(async () => {
    cwd = makeTempDir('cck-json-failures-');
    silent = await silentServer();
    const created = await runCli(['waits', '--kind', 'basic', '--yes', '--no-install', '--no-git'], { cwd });
    expect(created.exitCode, created.stderr).toBe(0);
  });
  afterAll(() => {
    silent.server.close();
    removeDir(cwd);
  });

  it.each(['test-run', 'update', 'check'])(
    '%s on a directory that is no kernel prints the one failure object',
    async (command) => {
      const run = await runCli([command, 'not-a-kernel', '--json'], { cwd });
      expect(run.exitCode).toBe(2);
      const failure = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(Object.keys(failure).sort()).toEqual(FAILURE_KEYS);
      expect(failure).toMatchObject({ ok: false, command, exitCode: 2 });
      expect(failure.error).toMatch(/not-a-kernel/);
      expect(run.stderr).toBe(`error: ${failure.error as string}`);
    },
  );

  it('kinds --json into a reader that stops after 10 bytes exits 0 without a trace', async () => {
    const run = await execa(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${CLI_BIN}" kinds --json | head -c 10; status=("\${PIPESTATUS[@]}"); exit "\${status[0]}"`,
      ],
      { cwd, reject: false },
    );
    expect(run.stdout).toBe('{\n  "base"');
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    // A pipe closed before the first write: the write itself meets EPIPE.
    const direct = execa(process.execPath, [CLI_BIN, 'kinds', '--json'], { cwd, reject: false, stdin: 'ignore' });
    direct.stdout?.destroy();
    const result = await direct;
    expect(result.stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
    expect(result.exitCode).toBe(0);
  });

  it('Ctrl-C during test-run: the cleanup line on stderr, the failure object on stdout, exit 130', async () => {
    const args = ['test-run', 'waits', '--json', '--bootstrap-server', `127.0.0.1:${silent.port}`, '--timeout', '60'];
    const result = await interruptWhen(args, /Connecting to 127\.0\.0\.1/, cwd, { CI: '1' });
    expect(result.exitCode, result.stderr).toBe(130);
    expect(result.stderr).toContain('Cancelled: stopping the kernel and cleaning up.');
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, command: 'test-run', error: 'Cancelled.', exitCode: 130 });
  }, 60_000);

  // create --json used to exit 130 with nothing on stdout, unlike test-run.
  it('Ctrl-C during create --json prints the same failure object, named create', async () => {
    const env = {
      UV_DEFAULT_INDEX: `http://127.0.0.1:${silent.port}/simple`,
      UV_PYTHON_DOWNLOADS: 'never',
      UV_NO_CACHE: '1',
      UV_HTTP_TIMEOUT: '300',
      CI: '1',
    };
    const result = await interruptWhen(
      ['stuck', '--kind', 'basic', '--yes', '--install', '--no-git', '--json'],
      /Installing dependencies/,
      cwd,
      env,
    );
    expect(result.exitCode, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/Cancelled\. The kernel is kept; .*cd stuck && uv sync/);
    expect(JSON.parse(result.stdout)).toEqual({ ok: false, command: 'create', error: 'Cancelled.', exitCode: 130 });
  }, 90_000);
});
