// The one table of create's flags: commander's options, the fast parser, the answers file and their types are built from it.
import { KIND_NAMES } from '../kinds.js';

export interface CreateFlag {
  /** The long name as typed, without dashes: `dry-run`. */
  name: string;
  type: 'string' | 'boolean';
  /** One letter: `-y`. */
  short?: string;
  /** What a string flag's value looks like in help (default: `<name>`). */
  placeholder?: string;
  description: string;
  /** Also takes `--no-<name>`, described by this; listed right after the flag, as commander prints both. */
  negatedDescription?: string;
  /** An answers file may give it too, under the flag's camelCase name; the flag wins. */
  inAnswersFile?: boolean;
}

export const CREATE_FLAGS = [
  {
    name: 'name',
    type: 'string',
    description: 'kernel name, lowercase kebab-case (default: the directory name)',
    inAnswersFile: true,
  },
  {
    name: 'topic',
    type: 'string',
    description: 'Kafka topic to consume (default: clustera-<name>)',
    inAnswersFile: true,
  },
  { name: 'kind', type: 'string', description: `kind of kernel: ${KIND_NAMES.join('|')}`, inAnswersFile: true },
  { name: 'group', type: 'string', description: 'consumer group (default: <name>-group)', inAnswersFile: true },
  {
    name: 'schema',
    type: 'string',
    placeholder: '<file>',
    description: 'schema of the messages: a JSON Schema or Avro file (default: none)',
    inAnswersFile: true,
  },
  {
    name: 'output-schema',
    type: 'string',
    placeholder: '<file>',
    description: 'ai kind: schema of the answers published to OUTPUT_TOPIC, a JSON Schema or Avro file (default: none)',
    inAnswersFile: true,
  },
  {
    name: 'python-index',
    type: 'string',
    placeholder: '<url>',
    description:
      "package index serving clustera-kernel-runtime, no credentials in it (default: uv's default index; from a clone, its runtime/)",
    inAnswersFile: true,
  },
  {
    name: 'yes',
    type: 'boolean',
    short: 'y',
    description: 'ask nothing; take the defaults for what flags do not give',
  },
  { name: 'answers', type: 'string', placeholder: '<file.json>', description: 'read the inputs from a JSON file' },
  {
    name: 'install',
    type: 'boolean',
    description: 'run uv sync in the new kernel',
    negatedDescription: 'do not run uv sync',
    inAnswersFile: true,
  },
  {
    name: 'git',
    type: 'boolean',
    description: 'git init and a first commit (the default)',
    negatedDescription: 'no git repository',
    inAnswersFile: true,
  },
  {
    name: 'test-run',
    type: 'boolean',
    description: 'run test-run on the new kernel right after it is written and installed',
    inAnswersFile: true,
  },
  { name: 'dry-run', type: 'boolean', description: 'print the files that would be written and write nothing' },
  { name: 'json', type: 'boolean', description: 'print one JSON object describing the result on stdout' },
  {
    name: 'force',
    type: 'boolean',
    description: 'allow a non-empty directory (existing files are still never replaced)',
  },
  { name: 'debug', type: 'boolean', description: 'print stack traces' },
] as const satisfies readonly CreateFlag[];

type CamelCase<Name extends string> = Name extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : Name;
type ValueOf<Flag> = Flag extends { type: 'string' } ? string : boolean;
/** A table's flags as commander hands them over, each optional: `--dry-run` as `dryRun`. */
export type FlagValues<Flags extends Pick<CreateFlag, 'name' | 'type'>> = {
  [Flag in Flags as CamelCase<Flag['name']>]?: ValueOf<Flag>;
};

type TableFlag = (typeof CREATE_FLAGS)[number];

/** Every create flag as commander and the fast parser hand it over: `--dry-run` as `dryRun`. */
export type CreateFlagValues = FlagValues<TableFlag>;

/** The flags an answers file may give as well. */
export type AnswersFileFlagValues = FlagValues<Extract<TableFlag, { inAnswersFile: true }>>;

/** The key commander gives a flag's value, which is also its key in an answers file. */
export function attributeName(flagName: string): string {
  return flagName.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The flag as commander declares it: `-y, --yes`, `--name <name>`. */
export function flagSyntax(flag: Pick<CreateFlag, 'name' | 'type' | 'short' | 'placeholder'>): string {
  const long = flag.type === 'string' ? `--${flag.name} ${flag.placeholder ?? `<${flag.name}>`}` : `--${flag.name}`;
  return flag.short ? `-${flag.short}, ${long}` : long;
}
