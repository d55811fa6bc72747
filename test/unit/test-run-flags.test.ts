// test-run's options and --help come from the table in src/test-run/test-run-flags.ts: a flag added there reaches both.
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { flagSyntax } from '../../src/create/create-flags.js';
import { buildProgram } from '../../src/entry/program.js';
import { TEST_RUN_FLAGS, type TestRunFlag } from '../../src/test-run/test-run-flags.js';

const FIXTURE_FLAGS: readonly TestRunFlag[] = [
  ...TEST_RUN_FLAGS,
  {
    name: 'partitions',
    type: 'string',
    placeholder: '<count>',
    description: 'partitions of the test topic',
    default: '3',
  },
  { name: 'keep-kernel', type: 'boolean', description: 'leave the kernel running afterwards' },
];

function testRunCommand(flags?: readonly TestRunFlag[]): Command {
  const program = buildProgram({ exitCode: 0 }, async () => 0, undefined, flags);
  const command = program.commands.find((candidate) => candidate.name() === 'test-run');
  if (command === undefined) throw new Error('no test-run command');
  return command;
}

describe('the test-run flag table', () => {
  it("is commander's test-run options, in its order, with their descriptions and defaults", () => {
    const options = testRunCommand().options.map((option) => [option.flags, option.description, option.defaultValue]);
    const table: readonly TestRunFlag[] = TEST_RUN_FLAGS;
    expect(options).toEqual(table.map((flag) => [flagSyntax(flag), flag.description, flag.default]));
  });

  it('reaches commander and --help with a flag added to it', async () => {
    const command = testRunCommand(FIXTURE_FLAGS);
    const help = command.helpInformation({ error: false }).replace(/\s+/g, ' ');
    expect(help).toContain('--partitions <count> partitions of the test topic (default: 3)');
    expect(help).toContain('--keep-kernel leave the kernel running afterwards');
    expect(command.parseOptions(['--partitions', '5', '--keep-kernel']).unknown).toEqual([]);
    expect(command.opts()).toMatchObject({ partitions: '5', keepKernel: true, messages: '100' });
  });
});
