// The usual create command line (a directory and known flags), parsed without loading commander. Anything else —
// a subcommand, help, version, an unknown or malformed flag — returns undefined, and commander parses it as always.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { GlobalOptions } from './command-runner.js';

const SUBCOMMANDS = new Set(['kinds', 'test-run', 'update', 'check', 'help']);

// The create flags of src/program.ts, without help and version, which commander prints.
const OPTIONS = {
  name: { type: 'string' },
  topic: { type: 'string' },
  kind: { type: 'string' },
  group: { type: 'string' },
  answers: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  install: { type: 'boolean' },
  'no-install': { type: 'boolean' },
  git: { type: 'boolean' },
  'no-git': { type: 'boolean' },
  'test-run': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  force: { type: 'boolean' },
  debug: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

export interface FastCreate {
  directory: string | undefined;
  options: GlobalOptions;
}

const camelCase = (name: string): string => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

export function parseCreateFastPath(args: string[]): FastCreate | undefined {
  // After `--` commander and parseArgs could disagree on what is a flag; leave it to commander.
  if (args.includes('--')) return undefined;
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch {
    return undefined;
  }
  const [directory, ...extra] = parsed.positionals;
  if (extra.length > 0 || (directory !== undefined && SUBCOMMANDS.has(directory))) return undefined;
  const options: Record<string, string | boolean> = {};
  // In command-line order, so the last of --git and --no-git wins, as with commander.
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    const negated = token.name.startsWith('no-');
    options[camelCase(negated ? token.name.slice(3) : token.name)] = token.value ?? !negated;
  }
  return { directory, options: options as GlobalOptions };
}
