// An updated kernel (template changes merged with a user edit) still installs, passes its tests and lints, with real uv.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';
import { makeTempDir, removeDir } from '../helpers/cli.js';
import {
  ADDED_FILE,
  buildTemplateVersions,
  createOldKernel,
  editFile,
  git,
  runUpdate,
} from '../helpers/template-versions.js';

const UV_TIMEOUT_MS = 300_000;

describe('an updated kernel with real uv', () => {
  let root: string;
  let kernel: string;
  const uv = (args: string[]) =>
    execa('uv', args, {
      cwd: kernel,
      env: { ...resolveUvEnvironment(), KAFKA_BOOTSTRAP_SERVERS: '' },
      reject: false,
      all: true,
      timeout: UV_TIMEOUT_MS,
    });

  beforeAll(async () => {
    root = makeTempDir('cck-update-uv-');
    const versions = buildTemplateVersions(root);
    kernel = await createOldKernel(versions, root, 'uv-kernel');
    editFile(kernel, 'main.py', (t) =>
      t.replace(
        '    if message.value is None:',
        '    log.debug("handling %s", message.ref)\n    if message.value is None:',
      ),
    );
    await git(kernel, 'commit', '-qam', 'mine');
    const run = await runUpdate(versions, kernel);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(join(kernel, ADDED_FILE), 'utf8')).toContain('newer templates');
  }, UV_TIMEOUT_MS);
  afterAll(() => removeDir(root));

  it(
    'passes uv run pytest',
    async () => {
      const result = await uv(['run', 'pytest', '-q']);
      expect(result.exitCode, result.all).toBe(0);
      expect(result.all).toMatch(/\d+ passed/);
    },
    UV_TIMEOUT_MS,
  );

  it(
    'passes ruff check, and the merged Python is formatted',
    async () => {
      const lint = await uv(['run', 'ruff', 'check']);
      expect(lint.exitCode, lint.all).toBe(0);
      // The files update merged or added; the rest are the templates' own business.
      const format = await uv(['run', 'ruff', 'format', '--check', 'main.py', ADDED_FILE]);
      expect(format.exitCode, format.all).toBe(0);
    },
    UV_TIMEOUT_MS,
  );
});
