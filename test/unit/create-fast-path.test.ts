// The create fast path must read a command line exactly as commander does, or leave it to commander.
import { describe, expect, it } from 'vitest';
import { CREATE_FLAGS } from '../../src/create/create-flags.js';
import { parseCreateFastPath } from '../../src/entry/create-fast-path.js';
import { buildProgram } from '../../src/entry/program.js';
import type { GlobalOptions } from '../../src/entry/command-runner.js';

async function commanderReads(args: string[]): Promise<{ directory: string | undefined; options: GlobalOptions }> {
  let read: { directory: string | undefined; options: GlobalOptions } | undefined;
  const program = buildProgram({ exitCode: 0 }, async (directory, options) => {
    read = { directory, options: { ...options } };
    return 0;
  });
  await program.parseAsync(['node', 'create-clustera-kernel', ...args]);
  return read!;
}

/** Every flag of the table once, in its short form where it has one, a negatable one followed by its --no- form. */
const EVERY_FLAG = CREATE_FLAGS.flatMap((flag): string[] => [
  'short' in flag ? `-${flag.short}` : `--${flag.name}`,
  ...(flag.type === 'string' ? [`${flag.name}-value`] : []),
  ...('negatedDescription' in flag ? [`--no-${flag.name}`] : []),
]);

const TAKEN = [
  ['k', ...EVERY_FLAG],
  [],
  ['my-kernel'],
  ['my-kernel', '--kind', 'basic', '--yes', '--no-install', '--no-git'],
  ['--name', 'orders', '--topic=orders.v1', '--kind', 'database', '--group', 'g', '-y', '--json'],
  ['--answers', 'kernel.json', '--dry-run', '--force', '--debug', 'dir'],
  ['k', '--install', '--no-install', '--git', '--no-git', '--git'],
  ['k', '--test-run', '--name', 'a', '--name', 'b'],
  ['k', '--name='],
];

const LEFT_TO_COMMANDER = [
  ['--help'],
  ['-h'],
  ['--version'],
  ['-V'],
  ['kinds'],
  ['test-run', 'dir'],
  ['update', '--dry-run'],
  ['check'],
  ['help'],
  ['a', 'b'],
  ['--unknown'],
  ['--name'],
  ['--json=yes'],
  ['--', '--name'],
  ['-yx'],
];

describe('create fast path', () => {
  it.each(TAKEN.map((args) => [args.join(' ') || '(nothing)', args] as const))(
    'reads %s as commander does',
    async (_label, args) => {
      const fast = parseCreateFastPath([...args]);
      expect(fast).toBeDefined();
      expect(fast).toEqual(await commanderReads([...args]));
    },
  );

  it.each(LEFT_TO_COMMANDER.map((args) => [args.join(' '), args] as const))(
    'leaves %s to commander',
    (_label, args) => {
      expect(parseCreateFastPath([...args])).toBeUndefined();
    },
  );

  // A subcommand the fast path does not know would be created as a kernel of that name.
  it('leaves every subcommand of the program to commander', () => {
    const names = buildProgram({ exitCode: 0 }).commands.map((command) => command.name());
    expect(names).toContain('contracts');
    for (const name of names) expect(parseCreateFastPath([name]), name).toBeUndefined();
  });
});
