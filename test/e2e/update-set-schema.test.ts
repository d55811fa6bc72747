// update --set schema=<file>, spawned as a user would: an edited untyped kernel becomes a typed one in one reviewable
// change, its own tests pass, and a file in the way stops the update before anything is written.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';
import { listTree, makeTempDir, removeDir, REPO_ROOT, runCli } from '../helpers/cli.js';

const SCHEMA = join(REPO_ROOT, 'test', 'fixtures', 'schemas', 'order.schema.json');
const USER_LINE = 'MAX_IN_FLIGHT = 100  # our API allows 100 at once';

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd })).stdout;
}

async function createCommitted(root: string, name: string): Promise<string> {
  const created = await runCli([name, '--kind', 'http', '--topic', 'orders', '--yes', '--no-install'], { cwd: root });
  expect(created.exitCode, created.stderr).toBe(0);
  const kernel = join(root, name);
  const main = join(kernel, 'main.py');
  writeFileSync(main, readFileSync(main, 'utf8').replace(/^MAX_IN_FLIGHT = \d+$/m, USER_LINE));
  await git(kernel, 'commit', '-qam', 'Our own limit');
  return kernel;
}

describe('update --set schema', () => {
  let root: string;
  beforeAll(() => {
    root = makeTempDir('cck-set-schema-');
  });
  afterAll(() => removeDir(root));

  it('makes an edited untyped kernel typed: the schema layer, the model, the samples, the edit kept; its tests pass', async () => {
    const kernel = await createCommitted(root, 'orders-forwarder');
    const run = await runCli(['update', '--set', `schema=${SCHEMA}`, '--json'], { cwd: kernel });
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { files: { path: string; outcome: string }[] };
    const outcomes = Object.fromEntries(result.files.map((f) => [f.path, f.outcome]));
    expect(outcomes).toMatchObject({
      'schemas/order.schema.json': 'added',
      'payload_model.py': 'added',
      'pyproject.toml': 'updated',
      'tests/sample_messages.jsonl': 'updated',
      'main.py': 'merged',
    });

    const main = readFileSync(join(kernel, 'main.py'), 'utf8');
    expect(main).toContain(USER_LINE);
    expect(main).toContain('message: Message[Payload]');
    expect(readFileSync(join(kernel, 'schemas', 'order.schema.json'), 'utf8')).toBe(readFileSync(SCHEMA, 'utf8'));
    const manifest = JSON.parse(readFileSync(join(kernel, '.clustera-kernel.json'), 'utf8')) as {
      answers: Record<string, string>;
    };
    expect(manifest.answers.schema).toBe('schemas/order.schema.json');

    const check = await runCli(['check'], { cwd: kernel });
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    // Reviewed and committed, setting the same schema again changes nothing.
    await git(kernel, 'add', '-A');
    await git(kernel, 'commit', '-qm', 'Typed orders');
    const again = await runCli(['update', '--set', `schema=${SCHEMA}`], { cwd: kernel, env: { CI: 'true' } });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout + again.stderr).toContain('nothing to do');

    const env = { ...resolveUvEnvironment(), KAFKA_BOOTSTRAP_SERVERS: '' };
    const tests = await execa('uv', ['run', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/test_payload_schema.py'], {
      cwd: kernel,
      env,
      reject: false,
      all: true,
      timeout: 600_000,
    });
    expect(tests.exitCode, tests.all).toBe(0);
  }, 900_000);

  it('refuses, writing nothing, when a file of its own is where the model would go', async () => {
    const kernel = await createCommitted(root, 'in-the-way');
    writeFileSync(join(kernel, 'payload_model.py'), '# a module of our own\n');
    await git(kernel, 'add', 'payload_model.py');
    await git(kernel, 'commit', '-qm', 'Our own module');
    const before = listTree(kernel).map((path) => [path, readFileSync(join(kernel, path), 'utf8')]);

    const run = await runCli(['update', '--set', `schema=${SCHEMA}`], { cwd: kernel });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/payload_model\.py" already exists in the kernel/);
    expect(listTree(kernel).map((path) => [path, readFileSync(join(kernel, path), 'utf8')])).toEqual(before);
  }, 300_000);

  it('gives one line and exit 2 for a missing schema file and for an empty one', async () => {
    const kernel = await createCommitted(root, 'bad-sets');
    for (const [value, message] of [
      ['schema=missing.json', /Cannot read the schema file "missing\.json"/],
      ['schema=', /--set schema= needs a file/],
    ] as const) {
      const run = await runCli(['update', '--set', value], { cwd: kernel });
      expect(run.exitCode, value).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
    }
    expect(await git(kernel, 'status', '--porcelain')).toBe('');
  }, 120_000);
});
