// test-run's flags as commander options, built from the table in src/test-run/test-run-flags.ts.
import { Option, type Command } from 'commander';
import { flagSyntax } from '../create/create-flags.js';
import type { TestRunFlag } from '../test-run/test-run-flags.js';

export function addTestRunFlags(command: Command, flags: readonly TestRunFlag[]): Command {
  for (const flag of flags) {
    const option = new Option(flagSyntax(flag), flag.description);
    // A default's own description keeps help from showing the string defaults in quotes.
    command.addOption(flag.default === undefined ? option : option.default(flag.default, flag.default));
  }
  return command;
}
