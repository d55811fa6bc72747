// --answers <file.json>: every create input from a file, for CI.
import { readFileSync } from 'node:fs';
import type { GivenInputs } from './answers.js';
import { attributeName, CREATE_FLAGS, type CreateFlag } from './create-flags.js';
import { UsageError } from '../errors.js';

export type AnswersFile = GivenInputs;

/** The keys a file may hold, in the order the refusal lists them: the directory, then every flag the table marks. */
export function answersFileKeys(flags: readonly CreateFlag[] = CREATE_FLAGS): Map<string, CreateFlag['type']> {
  const fromFlags = flags
    .filter((flag) => flag.inAnswersFile)
    .map((flag) => [attributeName(flag.name), flag.type] as const);
  return new Map([['directory', 'string'], ...fromFlags]);
}

export function readAnswersFile(path: string, flags: readonly CreateFlag[] = CREATE_FLAGS): AnswersFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`Cannot read the answers file ${JSON.stringify(path)}; check the path.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`The answers file ${JSON.stringify(path)} is not valid JSON.`);
  }
  return parseAnswers(data, path, flags);
}

export function parseAnswers(data: unknown, path: string, flags: readonly CreateFlag[] = CREATE_FLAGS): AnswersFile {
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`The answers file ${JSON.stringify(path)} must hold one JSON object.`);
  }
  const known = answersFileKeys(flags);
  const unknown = Object.keys(data).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new UsageError(
      `The answers file has unknown keys (${unknown.join(', ')}); allowed: ${[...known.keys()].join(', ')}.`,
    );
  }
  const record = data as Record<string, unknown>;
  const answers: Record<string, string | boolean> = {};
  for (const [key, type] of known) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== type)
      throw new UsageError(`"${key}" in the answers file must be ${type === 'string' ? 'a string' : 'true or false'}.`);
    answers[key] = value as string | boolean;
  }
  return answers as AnswersFile;
}
