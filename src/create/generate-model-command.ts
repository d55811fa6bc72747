// The command that generates a kernel's models at create time; apart from generate-model.ts so --dry-run loads no execa.
import { DEV_DEPENDENCIES } from '../kinds.js';
import { SCHEMA_DEPENDENCIES, SCHEMA_DEV_DEPENDENCIES, SCHEMA_FORMATS, SCHEMA_HYPOTHESIS } from '../schema-formats.js';
import type { SchemaSource } from './schema-file.js';

export const GENERATOR_SCRIPT = 'schemas/generate_model.py';

/** uv's arguments: each schema's generator, ruff and the sample generator (the kernel's pinned ranges) in an environment of their own. */
export function generateModelArgs(sources: readonly SchemaSource[]): string[] {
  const pydantic = SCHEMA_DEPENDENCIES.filter((d) => d.startsWith('pydantic'));
  const generators = [...new Set(sources.map((source) => SCHEMA_FORMATS[source.format].generator))];
  const tools = [
    ...generators,
    ...DEV_DEPENDENCIES.filter((d) => d.startsWith('ruff')),
    SCHEMA_HYPOTHESIS,
    ...SCHEMA_DEV_DEPENDENCIES,
    ...pydantic,
  ];
  return ['run', '--no-project', ...tools.flatMap((tool) => ['--with', tool]), 'python', GENERATOR_SCRIPT];
}

/** The command as --dry-run and --json show it, quoted for a shell. */
export function generateModelCommand(sources: readonly SchemaSource[]): string {
  const quoted = generateModelArgs(sources).map((arg) => (/^[A-Za-z0-9._/-]+$/.test(arg) ? arg : `'${arg}'`));
  return ['uv', ...quoted].join(' ');
}
