// create --schema, through the built CLI: every kind with a JSON Schema and with an Avro schema installs with real uv
// and passes its own pytest (valid and invalid payloads, samples, the 200-instance property test), ruff and mypy;
// `check` notices a schema edited without regenerating the model; bad schema files are refused with nothing written.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';
import { KINDS } from '../../src/kinds.js';
import { REPO_ROOT, createQuietKernel, makeTempDir, removeDir, runCli } from '../helpers/cli.js';

const SCHEMAS = join(REPO_ROOT, 'test', 'fixtures', 'schemas');
// Each kind once per format, the JSON ones alternating the two drafts: one uv sync per kind and schema type.
const CASES = KINDS.flatMap((kind, index) => [
  { kind: kind.name, schema: index % 2 === 0 ? 'order.schema.json' : 'order-draft-07.json', format: 'json' },
  { kind: kind.name, schema: 'order.avsc', format: 'avro' },
]);
// Two kernels at a time: the machines CI runs on have two cores.
const CONCURRENCY = 2;

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
    ['run', 'pytest', '-v', '-p', 'no:cacheprovider'],
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

async function inPool<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: size }, worker));
  return results;
}

describe('kernels with a schema', () => {
  let cwd: string;
  const kernels: { name: string; dir: string; format: string }[] = [];
  let outcomes: Outcome[] = [];

  beforeAll(async () => {
    cwd = makeTempDir('cck-typed-');
    for (const { kind, schema, format } of CASES) {
      const name = `typed-${kind}-${format}`;
      const dir = await createQuietKernel(cwd, name, kind, ['--schema', join(SCHEMAS, schema)]);
      kernels.push({ name, dir, format });
    }
    outcomes = await inPool(kernels, CONCURRENCY, ({ dir, name }) => checkKernel(dir, name));
  }, 1_800_000);
  afterAll(() => removeDir(cwd));

  it('pass their own pytest, ruff check, ruff format --check and mypy', () => {
    const failed = outcomes.filter((o) => o.failures.length > 0);
    expect(failed.map((o) => `${o.name}:\n${o.failures.join('\n')}`).join('\n\n')).toBe('');
    expect(outcomes).toHaveLength(CASES.length);
  });

  it('run the generated valid and invalid payload tests, the registry stand-in tests and, for JSON Schema, the property test', () => {
    // http and database kernels keep their kind's own tests of the client, run behind the schema's check.
    const validValueTest = (name: string): string =>
      name.startsWith('typed-http-')
        ? 'test_posts_the_payload_with_auth_and_idempotency_key'
        : name.startsWith('typed-database-')
          ? 'test_stores_the_payload_keyed_by_topic_partition_offset'
          : 'test_a_valid_value_reaches_process_message_as_the_model';
    for (const { name, pytest } of outcomes) {
      for (const test of [
        validValueTest(name),
        'test_every_sample_message_matches_the_schema',
        'test_bad_values_go_to_the_dead_letter_topic_with_schema_headers_and_are_never_processed',
        'test_wire_format_is_decoded_with_the_registry_schema_stand_in_registry',
        'test_an_incompatible_registry_schema_stops_the_kernel_at_start_up_stand_in_registry',
      ])
        expect(pytest, name).toMatch(new RegExp(`${test}\\S* PASSED`));
      if (name.endsWith('-json')) expect(pytest, name).toMatch(/test_the_model_accepts_what_the_schema_accepts PASSED/);
      if (validValueTest(name) !== 'test_a_valid_value_reaches_process_message_as_the_model')
        expect(pytest, name).toMatch(/test_value_that_is_not_json_is_skipped PASSED/);
      else if (name.endsWith('-json'))
        expect(pytest, name).toMatch(
          /test_a_value_that_breaks_the_schema_never_reaches_process_message\[not-utf8\] PASSED/,
        );
      else
        expect(pytest, name).toMatch(/test_a_value_that_is_not_avro_never_reaches_process_message\[truncated\] PASSED/);
    }
  });
});

describe('a kernel with a schema, checked', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeTempDir('cck-typed-check-');
  });
  afterAll(() => removeDir(cwd));

  it('keeps the schema under schemas/ and a model recording its hash; check exits 1 once the schema changes', async () => {
    const dir = await createQuietKernel(cwd, 'typed-check', 'basic', ['--schema', join(SCHEMAS, 'order.schema.json')]);
    const manifest = JSON.parse(readFileSync(join(dir, '.clustera-kernel.json'), 'utf8'));
    expect(manifest.answers.schema).toBe('schemas/order.schema.json');
    expect(readFileSync(join(dir, 'schemas', 'order.schema.json'), 'utf8')).toBe(
      readFileSync(join(SCHEMAS, 'order.schema.json'), 'utf8'),
    );
    expect(readFileSync(join(dir, 'payload_model.py'), 'utf8')).toMatch(/^# schema-sha256: [0-9a-f]{64}$/m);
    const current = await runCli(['check', dir], { cwd });
    expect(current.exitCode, current.stdout + current.stderr).toBe(0);
    const listed = await runCli(['list', '--json', dir], { cwd });
    expect(JSON.parse(listed.stdout).kernels[0].schema, 'list names the schema').toBe('schemas/order.schema.json');

    appendFileSync(join(dir, 'schemas', 'order.schema.json'), '\n');
    const stale = await runCli(['check', dir], { cwd });
    expect(stale.exitCode).toBe(1);
    expect(stale.stdout + stale.stderr).toContain(
      'payload_model.py was generated from another version of schemas/order.schema.json; regenerate it in the kernel with `uv run python schemas/generate_model.py`.',
    );
  });
});

describe('create --schema with a bad file', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeTempDir('cck-typed-bad-');
    writeFileSync(join(cwd, 'broken.json'), '{"type": "object", ');
    writeFileSync(join(cwd, 'scalar.json'), '{"type": "string"}');
  });
  afterAll(() => removeDir(cwd));

  it.each([
    ['missing.json', /^error: Cannot read the schema file ".*missing\.json"; check the path\.$/],
    ['broken.json', /is not JSON; give a JSON Schema or an Avro schema \(\.avsc\)\.$/],
    ['scalar.json', /is neither an Avro record nor a JSON Schema of an object/],
  ])('refuses %s in one line with exit 2 and writes nothing', async (file, message) => {
    const run = await runCli(['bad-kernel', '--kind', 'basic', '--yes', '--no-git', '--schema', join(cwd, file)], {
      cwd,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr.trim()).toMatch(message);
    expect(existsSync(join(cwd, 'bad-kernel'))).toBe(false);
  });
});
