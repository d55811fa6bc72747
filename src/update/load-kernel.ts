// What update and check both start from: the kernel directory, its manifest, its answers and its files on disk.
import { existsSync, statSync } from 'node:fs';
import type { Answers } from '../create/answers.js';
import { UsageError } from '../errors.js';
import { kernelDirectory } from '../render/find-kernel.js';
import { compareVersions, MANIFEST_PATH, readManifest, type Manifest } from '../render/manifest.js';
import { generatorVersion } from '../paths.js';
import { validateSchemaPath } from '../create/schema-file.js';
import {
  quote,
  validateGroup,
  validateKind,
  validateName,
  validatePythonIndex,
  validateTopic,
} from '../create/validate.js';

export interface LoadedKernel {
  dir: string;
  manifest: Manifest;
}

/** The answers `--set key=value` changes; a schema is a file to read, which update/schema-switch.ts takes first. */
type SettableAnswer = Exclude<keyof Answers, 'schema' | 'outputSchema'>;
/** The answers a kernel may lack (`pythonIndex?: string`). */
type OptionalAnswer = { [Key in keyof Answers]-?: undefined extends Answers[Key] ? Key : never }[keyof Answers];

interface AnswerCheck<Key extends SettableAnswer> {
  /** The key as --set takes it: the create flag's name (`python-index`). */
  setKey: string;
  check: (value: string) => string | undefined;
  /** Matches the Answers type: an optional answer may be absent, and `--set key=` (empty) removes it. */
  optional: Key extends OptionalAnswer ? true : false;
}

const ANSWER_CHECKS: { [Key in SettableAnswer]: AnswerCheck<Key> } = {
  name: { setKey: 'name', check: validateName, optional: false },
  topic: { setKey: 'topic', check: validateTopic, optional: false },
  kind: { setKey: 'kind', check: validateKind, optional: false },
  group: { setKey: 'group', check: validateGroup, optional: false },
  pythonIndex: { setKey: 'python-index', check: validatePythonIndex, optional: true },
};

const CHECKS = Object.entries(ANSWER_CHECKS) as [SettableAnswer, AnswerCheck<SettableAnswer>][];

export function loadKernel(dirArg: string | undefined): LoadedKernel {
  const dir = kernelDirectory(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`${quote(dir)} is not a directory; pass the kernel's directory.`);
  const manifest = readManifest(dir);
  if (manifest === undefined) {
    throw new UsageError(
      `${quote(dir)} has no ${MANIFEST_PATH}, so it was not made by create-clustera-kernel and cannot be updated or checked.`,
    );
  }
  if (typeof manifest === 'string') throw new UsageError(`Cannot read the kernel's manifest: ${manifest}.`);
  const current = generatorVersion();
  if (compareVersions(manifest.generator.version, current) > 0) {
    throw new UsageError(
      `This kernel was made by create-clustera-kernel ${manifest.generator.version}, newer than this ${current}; run \`npx create-clustera-kernel@latest\` instead.`,
    );
  }
  return { dir, manifest };
}

/** The recorded answers with --set key=value applied, each checked like create's flags. */
export function resolveAnswers(recorded: Record<string, string>, sets: string[] = []): Answers {
  const answers: Record<string, string | undefined> = { ...recorded };
  for (const assignment of sets) {
    const eq = assignment.indexOf('=');
    const entry = CHECKS.find(([, { setKey }]) => setKey === (eq < 0 ? assignment : assignment.slice(0, eq)));
    if (eq < 0 || entry === undefined) {
      throw new UsageError(
        `--set ${quote(assignment)} must be key=value with key one of ${CHECKS.map(([, { setKey }]) => setKey).join(', ')}, or schema=<file>.`,
      );
    }
    answers[entry[0]] = assignment.slice(eq + 1);
  }
  // An optional answer set or recorded empty is no answer: the kernel goes back to the default.
  for (const [key, { optional }] of CHECKS) if (optional && answers[key] === '') delete answers[key];
  const missing = CHECKS.filter(([key, { optional }]) => !optional && answers[key] === undefined);
  if (missing.length > 0) {
    throw new UsageError(
      `The manifest records no ${missing.map(([key]) => key).join(', ')}; pass ${missing.map(([, { setKey }]) => `--set ${setKey}=<value>`).join(' ')}.`,
    );
  }
  for (const [key, { check }] of CHECKS) {
    const value = answers[key];
    const problem = value === undefined ? undefined : check(value);
    if (problem) throw new UsageError(problem);
  }
  // A recorded schema is a path inside the kernel; it flows into Python and Markdown, so it is checked like the rest.
  for (const schema of [answers.schema, answers.outputSchema]) {
    const schemaProblem = schema === undefined ? undefined : validateSchemaPath(schema);
    if (schemaProblem) throw new UsageError(schemaProblem);
  }
  return answers as unknown as Answers;
}

/** Recorded answers as they were, when complete and valid (the old render needs them); otherwise undefined. */
export function recordedAnswers(recorded: Record<string, string>): Answers | undefined {
  try {
    return resolveAnswers(recorded);
  } catch {
    return undefined;
  }
}
