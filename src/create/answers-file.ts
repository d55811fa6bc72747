// --answers <file.json>: every create input from a file, for CI.
import { readFileSync } from 'node:fs';
import type { GivenInputs } from './answers.js';
import { UsageError } from '../errors.js';

export type AnswersFile = GivenInputs;

const STRING_KEYS = ['directory', 'name', 'topic', 'kind', 'group'] as const;
const BOOLEAN_KEYS = ['install', 'git', 'testRun'] as const;

export function readAnswersFile(path: string): AnswersFile {
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
  return parseAnswers(data, path);
}

export function parseAnswers(data: unknown, path: string): AnswersFile {
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`The answers file ${JSON.stringify(path)} must hold one JSON object.`);
  }
  const known = new Set<string>([...STRING_KEYS, ...BOOLEAN_KEYS]);
  const unknown = Object.keys(data).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new UsageError(`The answers file has unknown keys (${unknown.join(', ')}); allowed: ${[...known].join(', ')}.`);
  }
  const record = data as Record<string, unknown>;
  const answers: AnswersFile = {};
  for (const key of STRING_KEYS) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new UsageError(`"${key}" in the answers file must be a string.`);
    answers[key] = value;
  }
  for (const key of BOOLEAN_KEYS) {
    const value = record[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new UsageError(`"${key}" in the answers file must be true or false.`);
    answers[key] = value;
  }
  return answers;
}
