// A flag added to the table reaches commander, the fast parser, the answers file and --help with no other edit.
import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/create/answers-file.js';
import { CREATE_FLAGS, type CreateFlag } from '../../src/create/create-flags.js';
import type { GlobalOptions } from '../../src/entry/command-runner.js';
import { parseCreateFastPath } from '../../src/entry/create-fast-path.js';
import { buildProgram } from '../../src/entry/program.js';
import { UsageError } from '../../src/errors.js';

const FIXTURE_FLAGS: readonly CreateFlag[] = [
  ...CREATE_FLAGS,
  {
    name: 'region',
    type: 'string',
    placeholder: '<region-name>',
    description: 'cloud region to deploy to',
    inAnswersFile: true,
  },
  {
    name: 'with-metrics',
    type: 'boolean',
    short: 'm',
    description: 'export Prometheus metrics',
    negatedDescription: 'no metrics endpoint',
    inAnswersFile: true,
  },
  { name: 'verbose-log', type: 'boolean', description: 'log every message' },
];

function programWith(
  flags: readonly CreateFlag[],
  read: (directory: string | undefined, options: GlobalOptions) => void,
) {
  return buildProgram(
    { exitCode: 0 },
    async (directory, options) => {
      read(directory, { ...options });
      return 0;
    },
    flags,
  );
}

async function commanderReads(args: string[], flags: readonly CreateFlag[]) {
  let read: { directory: string | undefined; options: GlobalOptions } | undefined;
  await programWith(flags, (directory, options) => (read = { directory, options })).parseAsync([
    'node',
    'create-clustera-kernel',
    ...args,
  ]);
  return read!;
}

const ARGS = ['k', '--region', 'eu-west-1', '-m', '--no-with-metrics', '--verbose-log', '--kind', 'basic'];

describe('a flag added to the create flag table', () => {
  it('reaches commander', async () => {
    const { directory, options } = await commanderReads(ARGS, FIXTURE_FLAGS);
    expect(directory).toBe('k');
    expect(options).toMatchObject({ region: 'eu-west-1', withMetrics: false, verboseLog: true, kind: 'basic' });
  });

  it('reaches the fast parser, which reads it as commander does', async () => {
    const fast = parseCreateFastPath([...ARGS], FIXTURE_FLAGS);
    expect(fast).toEqual(await commanderReads(ARGS, FIXTURE_FLAGS));
    expect(fast?.options).toMatchObject({ region: 'eu-west-1', withMetrics: false, verboseLog: true });
    // The real table does not know the flag, so the command line goes to commander (which refuses it).
    expect(parseCreateFastPath([...ARGS])).toBeUndefined();
  });

  it('reaches the answers file when the table says so, with its type', () => {
    expect(parseAnswers({ region: 'eu-west-1', withMetrics: true, kind: 'http' }, 'a.json', FIXTURE_FLAGS)).toEqual({
      region: 'eu-west-1',
      withMetrics: true,
      kind: 'http',
    });
    expect(() => parseAnswers({ region: true }, 'a.json', FIXTURE_FLAGS)).toThrow(
      '"region" in the answers file must be a string.',
    );
    expect(() => parseAnswers({ withMetrics: 'yes' }, 'a.json', FIXTURE_FLAGS)).toThrow(
      '"withMetrics" in the answers file must be true or false.',
    );
    expect(() => parseAnswers({ verboseLog: true }, 'a.json', FIXTURE_FLAGS)).toThrow(UsageError);
    expect(() => parseAnswers({ region: 'eu-west-1' }, 'a.json')).toThrow(
      /unknown keys \(region\); allowed: directory, name, topic, kind, group, schema, outputSchema, pythonIndex, install, git, testRun\./,
    );
  });

  it('reaches --help, in table order, each negatable flag followed by its --no- form', () => {
    const help = programWith(FIXTURE_FLAGS, () => {}).helpInformation({ error: false });
    expect(help).toMatch(
      /\n {2}--region <region-name> +cloud region to deploy to\n {2}-m, --with-metrics +export Prometheus metrics\n {2}--no-with-metrics +no metrics endpoint\n {2}--verbose-log +log every message\n/,
    );
    expect(help.indexOf('--debug')).toBeLessThan(help.indexOf('--region'));
  });
});
