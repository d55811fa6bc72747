// Runtime versions across a repository of kernels: list shows the clustera-kernel-runtime each one runs on (uv.lock's
// version, else pyproject.toml's range, else a vendored copy), and check --all flags the ones off the supported line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';
import { packageVersion } from '../../src/paths.js';
import { runtimeRange } from '../../src/render/runtime-dependency.js';
import { createQuietKernel, makeTempDir, removeDir, runCli } from '../helpers/cli.js';
import { editFile } from '../helpers/template-versions.js';

const SUPPORTED = runtimeRange();

interface Runtime {
  source: string;
  version: string | null;
  range: string | null;
}
interface ListJson {
  kernels: { directory: string; runtime: Runtime | null; state: string }[];
}
interface CheckAllJson {
  exitCode: number;
  supportedRuntime: string;
  kernels: { directory: string; state: string; exitCode: number; runtime: Runtime | null; runtimeNote?: string }[];
}

/** A uv.lock as uv writes one, locking the runtime at `version`. */
const fakeLock = (version: string) =>
  `version = 1\nrevision = 3\nrequires-python = ">=3.11"\n\n[[package]]\nname = "clustera-kernel-runtime"\nversion = "${version}"\nsource = { registry = "https://example.invalid/simple" }\n`;

describe('runtime versions across kernels', () => {
  let root: string;
  const cli = (args: string[]) => runCli(args, { cwd: root, env: { CREATE_CLUSTERA_KERNEL_OFFLINE: '1' } });

  beforeAll(async () => {
    root = makeTempDir('cck-fleet-runtime-');
    // Locked by uv itself: the runtime comes from this clone's runtime/ folder, at the package's version.
    const locked = await createQuietKernel(root, 'locked-log');
    const lock = await execa('uv', ['lock'], {
      cwd: locked,
      env: resolveUvEnvironment(process.env, { forbidPythonDownloads: false }),
      reject: false,
      all: true,
    });
    if (lock.exitCode !== 0) throw new Error(`uv lock failed: ${lock.all}`);
    await createQuietKernel(root, 'ranged-sink', 'database');
    writeFileSync(join(await createQuietKernel(root, 'behind-log'), 'uv.lock'), fakeLock('0.2.5'));
    editFile(await createQuietKernel(root, 'ahead-log'), 'pyproject.toml', (text) =>
      text.replace(`clustera-kernel-runtime${SUPPORTED}`, 'clustera-kernel-runtime>=99.0,<99.1'),
    );
    // As a kernel of 0.2.0 was: the runtime as a folder of its own, no dependency on the package.
    const vendored = await createQuietKernel(root, 'vendored-log');
    editFile(vendored, 'pyproject.toml', (text) =>
      text.replace(/^\s*"clustera-kernel-runtime[^"]*",\n/gm, '    "confluent-kafka>=2.6,<3",\n'),
    );
    mkdirSync(join(vendored, 'kernel_runtime'));
    writeFileSync(join(vendored, 'kernel_runtime', '__init__.py'), '');
  }, 180_000);
  afterAll(() => removeDir(root));

  it('list shows the locked version, the required range, or vendored, in the table and in --json', async () => {
    const run = await cli(['list', '--json']);
    expect(run.exitCode, run.stderr).toBe(0);
    const runtimes = Object.fromEntries(
      (JSON.parse(run.stdout) as ListJson).kernels.map((kernel) => [kernel.directory, kernel.runtime]),
    );
    expect(runtimes).toEqual({
      'ahead-log': { source: 'pyproject', version: null, range: '>=99.0,<99.1' },
      'behind-log': { source: 'lock', version: '0.2.5', range: SUPPORTED },
      'locked-log': { source: 'lock', version: packageVersion(), range: SUPPORTED },
      'ranged-sink': { source: 'pyproject', version: null, range: SUPPORTED },
      'vendored-log': { source: 'vendored', version: null, range: null },
    });

    const table = await cli(['list']);
    expect(table.stdout.split('\n')[0]).toMatch(/\sVERSION\s+RUNTIME\s+STATE$/);
    const row = (name: string) => table.stdout.split('\n').find((line) => line.startsWith(`${name} `)) ?? '';
    expect(row('locked-log')).toMatch(new RegExp(`\\s${packageVersion().replaceAll('.', '\\.')}\\s+current$`));
    expect(row('ranged-sink')).toContain(` ${SUPPORTED} `);
    expect(row('vendored-log')).toMatch(/\svendored\s+update available$/);
  });

  it('check --all counts a runtime off the supported line as an update, naming the version and the range', async () => {
    const run = await cli(['check', '--all', '--json']);
    expect(run.exitCode, run.stderr).toBe(1);
    const result = JSON.parse(run.stdout) as CheckAllJson;
    expect(result.exitCode).toBe(1);
    expect(result.supportedRuntime).toBe(SUPPORTED);
    const states = result.kernels.map((kernel) => [kernel.directory, kernel.state, kernel.exitCode]);
    expect(states).toEqual([
      ['ahead-log', 'update-available', 1],
      ['behind-log', 'update-available', 1],
      ['locked-log', 'current', 0],
      ['ranged-sink', 'current', 0],
      ['vendored-log', 'update-available', 1],
    ]);
    const notes = Object.fromEntries(result.kernels.map((kernel) => [kernel.directory, kernel.runtimeNote]));
    const supports = `the range create-clustera-kernel ${packageVersion()} supports`;
    expect(notes['behind-log']).toBe(
      `runtime 0.2.5 (uv.lock) is outside ${SUPPORTED}, ${supports}: run \`uv lock\` in the kernel`,
    );
    expect(notes['ahead-log']).toBe(
      `runtime >=99.0,<99.1 (pyproject.toml) is outside ${SUPPORTED}, ${supports}: run \`update\``,
    );
    expect(notes['vendored-log']).toContain('vendored in kernel_runtime/');
    expect(notes['locked-log']).toBeUndefined();

    const text = await cli(['check', '--all']);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain('3 of 5 kernel(s) need attention: ahead-log, behind-log, vendored-log.');
    expect(text.stdout).toMatch(
      /behind-log\s+behind-log\s+\S+\s+0\.2\.5\s+update available\s+runtime 0\.2\.5 \(uv\.lock\) is outside/,
    );
    expect(text.stdout).toContain('Run `npx create-clustera-kernel update --all`');
  });
});
