// create --output-schema, through the built CLI: ai kernels whose answers are typed (JSON Schema and Avro, beside a
// JSON Schema, an Avro or no message schema) install with real uv and pass their own pytest, ruff and mypy; check
// notices an output schema edited without regenerating answer_model.py; other kinds refuse the flag, writing nothing.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';
import { REPO_ROOT, createQuietKernel, makeTempDir, removeDir, runCli } from '../helpers/cli.js';

const SCHEMAS = join(REPO_ROOT, 'test', 'fixtures', 'schemas');
const CASES = [
  // Each input format (JSON Schema, Avro, none) and each answer format once: three uv environments, not six.
  { name: 'answers-json-avro', schema: 'order.schema.json', outputSchema: 'verdict.avsc' },
  { name: 'answers-avro-json', schema: 'order.avsc', outputSchema: 'verdict.schema.json' },
  { name: 'answers-untyped-json', schema: undefined, outputSchema: 'verdict.schema.json' },
];
const ANSWER_TESTS = [
  'test_the_model_is_asked_for_json_following_the_answer_model',
  'test_a_valid_answer_is_published_as_the_value_with_provenance_headers',
  'test_a_bad_answer_is_retried_then_dead_lettered_and_never_published[not-json]',
  'test_a_bad_answer_is_retried_then_dead_lettered_and_never_published[breaks-the-schema]',
  'test_the_failing_field_is_named',
];
// With typed messages the schema layer's process_message tests run; without, the kind's own against a loopback model.
const PROCESS_TESTS = {
  typed: ['test_a_valid_value_reaches_process_message_as_the_model'],
  untyped: ['test_publishes_the_answer_to_the_output_topic', 'test_plain_text_values_are_sent_as_they_are'],
};

interface Outcome {
  name: string;
  failures: string[];
  pytest: string;
}

async function checkKernel(kernel: string, name: string): Promise<Outcome> {
  const env = { ...resolveUvEnvironment(), KAFKA_BOOTSTRAP_SERVERS: '' };
  const run = (args: string[]) => execa('uv', args, { cwd: kernel, env, reject: false, all: true, timeout: 600_000 });
  const failures: string[] = [];
  let pytest = '';
  for (const args of [
    ['sync'],
    ['run', 'pytest', '-v', '-p', 'no:cacheprovider', 'tests/test_answer_schema.py', 'tests/test_process_message.py'],
    ['run', 'ruff', 'check'],
    ['run', 'ruff', 'format', '--check'],
    ['run', 'mypy'],
  ]) {
    const result = await run(args);
    if (args[1] === 'pytest') pytest = result.all ?? '';
    if (result.exitCode !== 0) failures.push(`uv ${args.join(' ')} exited ${result.exitCode}:\n${result.all}`);
    if (args[0] === 'sync' && result.exitCode !== 0) break;
  }
  return { name, failures, pytest };
}

describe('ai kernels with an output schema', () => {
  let cwd: string;
  const outcomes: Outcome[] = [];
  const dirs = new Map<string, string>();

  beforeAll(async () => {
    cwd = makeTempDir('cck-answers-');
    for (const { name, schema, outputSchema } of CASES) {
      const flags = [
        ...(schema ? ['--schema', join(SCHEMAS, schema)] : []),
        '--output-schema',
        join(SCHEMAS, outputSchema),
      ];
      dirs.set(name, await createQuietKernel(cwd, name, 'ai', flags));
    }
    // Two at a time: the machines CI runs on have two cores.
    const kernels = [...dirs];
    for (let i = 0; i < kernels.length; i += 2)
      outcomes.push(...(await Promise.all(kernels.slice(i, i + 2).map(([name, dir]) => checkKernel(dir, name)))));
  }, 1_800_000);
  afterAll(() => removeDir(cwd));

  it('pass their own pytest, ruff check, ruff format --check and mypy', () => {
    const failed = outcomes.filter((o) => o.failures.length > 0);
    expect(failed.map((o) => `${o.name}:\n${o.failures.join('\n')}`).join('\n\n')).toBe('');
    expect(outcomes).toHaveLength(CASES.length);
  });

  it('run the valid-answer, bad-answer and failing-field tests', () => {
    for (const { name, pytest } of outcomes) {
      const processTests = name.includes('untyped') ? PROCESS_TESTS.untyped : PROCESS_TESTS.typed;
      for (const test of [...ANSWER_TESTS, ...processTests])
        expect(pytest, `${name}: ${test}`).toContain(`${test} PASSED`);
    }
  });

  it('record outputSchema in the manifest, keep the file under schemas/ and an answer model recording its hash', async () => {
    const dir = dirs.get('answers-avro-json')!;
    const manifest = JSON.parse(readFileSync(join(dir, '.clustera-kernel.json'), 'utf8'));
    expect(manifest.answers).toMatchObject({
      schema: 'schemas/order.avsc',
      outputSchema: 'schemas/verdict.schema.json',
    });
    expect(readFileSync(join(dir, 'schemas', 'verdict.schema.json'), 'utf8')).toBe(
      readFileSync(join(SCHEMAS, 'verdict.schema.json'), 'utf8'),
    );
    const model = readFileSync(join(dir, 'answer_model.py'), 'utf8');
    expect(model).toMatch(/^# schema-sha256: [0-9a-f]{64}$/m);
    expect(model).toMatch(/^Answer = Verdict$/m);
    const current = await runCli(['check', dir], { cwd });
    expect(current.exitCode, current.stdout + current.stderr).toBe(0);

    appendFileSync(join(dir, 'schemas', 'verdict.schema.json'), '\n');
    const stale = await runCli(['check', dir], { cwd });
    expect(stale.exitCode).toBe(1);
    expect(stale.stdout + stale.stderr).toContain(
      'answer_model.py was generated from another version of schemas/verdict.schema.json; regenerate it in the kernel with `uv run python schemas/generate_model.py`.',
    );
  });
});

describe('create --output-schema refused', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeTempDir('cck-answers-refused-');
  });
  afterAll(() => removeDir(cwd));

  it.each([
    [['--kind', 'http', '--schema', 'order.schema.json'], /^error: --output-schema is for ai kernels/],
    [['--kind', 'ai', '--schema', 'verdict.schema.json'], /would both be schemas\/verdict\.schema\.json; rename one/],
  ])('%j: one line, exit 2, nothing written', async (flags, message) => {
    const args = flags.map((flag) => (flag.includes('.') ? join(SCHEMAS, flag) : flag));
    const outputSchema = ['--output-schema', join(SCHEMAS, 'verdict.schema.json')];
    const run = await runCli(['refused-kernel', ...args, ...outputSchema, '--yes', '--no-git'], { cwd });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr.trim()).toMatch(message);
    expect(existsSync(join(cwd, 'refused-kernel'))).toBe(false);
  });
});
