// Create's flags as commander options, built from the table in src/create/create-flags.ts.
import { Option, type Command } from 'commander';
import { flagSyntax, type CreateFlag } from '../create/create-flags.js';

export function addCreateFlags(command: Command, flags: readonly CreateFlag[]): Command {
  for (const flag of flags) {
    command.addOption(new Option(flagSyntax(flag), flag.description));
    if (flag.negatedDescription !== undefined)
      command.addOption(new Option(`--no-${flag.name}`, flag.negatedDescription));
  }
  return command;
}
