// test-run and the kernel runtime accept the same KAFKA_BOOTSTRAP_SERVERS values: one case list, fed to both.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROKER_ADDRESS_PATTERN } from '../../src/facts.js';
import { brokerSettings } from '../../src/test-run/settings.js';
import { REPO_ROOT } from '../helpers/cli.js';

const PYTHON_PACKAGE = join(REPO_ROOT, 'runtime', 'src', 'kernel_runtime');

/** A KAFKA_BOOTSTRAP_SERVERS value and the brokers it names, or null when it must be refused. */
const CASES: [string, string[] | null][] = [
  ['host:9092', ['host:9092']],
  ['kafka-1.internal.example.com:9093', ['kafka-1.internal.example.com:9093']],
  ['kafka_broker:9092', ['kafka_broker:9092']],
  ['10.0.0.1:9092', ['10.0.0.1:9092']],
  ['[::1]:9092', ['[::1]:9092']],
  ['[2001:db8::10]:19092', ['[2001:db8::10]:19092']],
  ['[::ffff:10.0.0.1]:9092', ['[::ffff:10.0.0.1]:9092']],
  ['host:1', ['host:1']],
  ['host:65535', ['host:65535']],
  ['host:9092,other:9092', ['host:9092', 'other:9092']],
  [' host:9092 , other:9093 ', ['host:9092', 'other:9093']],
  ['host', null],
  ['host:', null],
  [':9092', null],
  ['host:123456', null],
  ['host:65536', null],
  ['host:0', null],
  ['host:9o92', null],
  ['a b:9092', null],
  ['hôte:9092', null],
  ['host:٩٠٩٢', null],
  ['host:9092\n', ['host:9092']],
  ['.:9092', null],
  ['-host:9092', null],
  ['::1:9092', null],
  ['[::1]', null],
  ['[not-ipv6]:9092', null],
  ['host:9092,', null],
  ['host:9092,,other:9092', null],
  ['host:9092;other:9092', null],
  ['PLAINTEXT://host:9092', null],
];

function typescriptVerdict(value: string): string[] | null {
  try {
    return brokerSettings(value, {}, {})?.bootstrapServers ?? null;
  } catch {
    return null;
  }
}

/**
 * broker_address.py and the facts it reads (both need only the standard library), without the package's __init__ and
 * its dependencies: the pattern it compiled, and its verdict on every case at once.
 */
function pythonRule(values: string[]): { pattern: string; verdicts: (string[] | null)[] } {
  const script = [
    'import importlib, importlib.util, json, os, sys',
    'init = os.path.join(sys.argv[1], "__init__.py")',
    'spec = importlib.util.spec_from_file_location("kernel_runtime", init, submodule_search_locations=[sys.argv[1]])',
    'sys.modules["kernel_runtime"] = importlib.util.module_from_spec(spec)',
    'module = importlib.import_module("kernel_runtime.broker_address")',
    'verdicts = [module.parse_brokers(value) for value in json.load(sys.stdin)]',
    'print(json.dumps({"pattern": module.BROKER_ADDRESS_PATTERN.pattern, "verdicts": verdicts}))',
  ].join('\n');
  return JSON.parse(
    execFileSync('python3', ['-c', script, PYTHON_PACKAGE], { input: JSON.stringify(values), encoding: 'utf8' }),
  ) as { pattern: string; verdicts: (string[] | null)[] };
}

describe('the broker address rule', () => {
  it('gives the expected verdicts in test-run', () => {
    expect(CASES.map(([value]) => [value, typescriptVerdict(value)])).toEqual(CASES);
  });

  it('gives the same verdicts in the kernel runtime', () => {
    const { verdicts } = pythonRule(CASES.map(([value]) => value));
    expect(CASES.map(([value], index) => [value, verdicts[index]])).toEqual(CASES);
  });

  it('is written once: the runtime compiles the very pattern test-run uses, from facts.json', () => {
    expect(pythonRule([]).pattern).toBe(BROKER_ADDRESS_PATTERN);
  });
});
