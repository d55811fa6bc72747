// The usual create command line (a directory and known flags), parsed without loading commander. Anything else —
// a subcommand, help, version, an unknown or malformed flag — returns undefined, and commander parses it as always.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { attributeName, CREATE_FLAGS, type CreateFlag } from '../create/create-flags.js';
import type { GlobalOptions } from './command-runner.js';

const SUBCOMMANDS = new Set(['kinds', 'list', 'contracts', 'test-run', 'update', 'check', 'help']);

export interface FastCreate {
  directory: string | undefined;
  options: GlobalOptions;
}

/** What each option parseArgs knows sets, as commander would: `--no-git` sets git to false. */
interface Target {
  key: string;
  negated: boolean;
}

/** The table's flags as parseArgs options (help and version are left to commander), and what each one sets. */
export function parseArgsOptions(flags: readonly CreateFlag[]): {
  options: NonNullable<ParseArgsConfig['options']>;
  targets: Map<string, Target>;
} {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  const targets = new Map<string, Target>();
  for (const flag of flags) {
    options[flag.name] = flag.short ? { type: flag.type, short: flag.short } : { type: flag.type };
    targets.set(flag.name, { key: attributeName(flag.name), negated: false });
    if (flag.negatedDescription === undefined) continue;
    options[`no-${flag.name}`] = { type: 'boolean' };
    targets.set(`no-${flag.name}`, { key: attributeName(flag.name), negated: true });
  }
  return { options, targets };
}

/** An unknown or malformed flag throws: commander then parses the line and says what is wrong. */
function parsedOrUndefined(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
  } catch {
    return undefined;
  }
}

export function parseCreateFastPath(
  args: string[],
  flags: readonly CreateFlag[] = CREATE_FLAGS,
): FastCreate | undefined {
  // After `--` commander and parseArgs could disagree on what is a flag; leave it to commander.
  if (args.includes('--')) return undefined;
  const { options: parseOptions, targets } = parseArgsOptions(flags);
  const parsed = parsedOrUndefined(args, parseOptions);
  if (!parsed) return undefined;
  const [directory, ...extra] = parsed.positionals;
  if (extra.length > 0 || (directory !== undefined && SUBCOMMANDS.has(directory))) return undefined;
  const options: Record<string, string | boolean> = {};
  // In command-line order, so the last of --git and --no-git wins, as with commander.
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    const { key, negated } = targets.get(token.name)!;
    options[key] = token.value ?? !negated;
  }
  return { directory, options: options as GlobalOptions };
}
