// What update and check both start from: the kernel directory, its manifest, its answers and its files on disk.
import { existsSync, statSync } from 'node:fs';
import type { Answers } from '../create/answers.js';
import { UsageError } from '../errors.js';
import { kernelDirectory } from '../render/find-kernel.js';
import { compareVersions, MANIFEST_PATH, readManifest, type Manifest } from '../render/manifest.js';
import { generatorVersion } from '../paths.js';
import { validateSchemaPath } from '../create/schema-file.js';
import { quote, validateGroup, validateKind, validateName, validateTopic } from '../create/validate.js';

export interface LoadedKernel {
  dir: string;
  manifest: Manifest;
}

const ANSWER_CHECKS: Record<
  Exclude<keyof Answers, 'schema' | 'outputSchema' | 'pythonIndex'>,
  (value: string) => string | undefined
> = {
  name: validateName,
  topic: validateTopic,
  kind: validateKind,
  group: validateGroup,
};

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
    const key = eq < 0 ? assignment : assignment.slice(0, eq);
    if (eq < 0 || !(key in ANSWER_CHECKS)) {
      throw new UsageError(
        `--set ${quote(assignment)} must be key=value with key one of ${Object.keys(ANSWER_CHECKS).join(', ')}, or schema=<file>.`,
      );
    }
    answers[key] = assignment.slice(eq + 1);
  }
  const missing = Object.keys(ANSWER_CHECKS).filter((key) => answers[key] === undefined);
  if (missing.length > 0) {
    throw new UsageError(
      `The manifest records no ${missing.join(', ')}; pass ${missing.map((key) => `--set ${key}=<value>`).join(' ')}.`,
    );
  }
  for (const [key, check] of Object.entries(ANSWER_CHECKS)) {
    const problem = check(answers[key]!);
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
