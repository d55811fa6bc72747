// update --set schema=<file>: a kernel gets or changes its schema; the model is generated before anything is written.
import { UsageError } from '../errors.js';
import { readSchemaFile, type SchemaSource } from '../create/schema-file.js';
import { quote } from '../create/validate.js';
import type { PlannedFile } from '../render/plan.js';
import { ANSWER_MODEL_PATH, MODEL_PATH, SAMPLES_PATH } from '../schema-formats.js';
import type { DiskFile } from './disk-files.js';
import type { FileDecision } from './decide-files.js';

const SCHEMA_SET = 'schema=';

export interface SchemaSet {
  /** The --set assignments left for resolveAnswers. */
  sets: string[];
  /** The schema file given, read and recognised; undefined when --set names no schema. */
  source?: SchemaSource;
}

/** Takes `schema=<file>` out of the --set list: unlike the other answers its value is a file to read, not a word. */
export function takeSchemaSet(sets: string[] = []): SchemaSet {
  const schemaSets = sets.filter((assignment) => assignment.startsWith(SCHEMA_SET));
  const rest = sets.filter((assignment) => !assignment.startsWith(SCHEMA_SET));
  if (schemaSets.length === 0) return { sets: rest };
  if (schemaSets.length > 1) throw new UsageError('--set schema=<file> may be given once.');
  const path = schemaSets[0]!.slice(SCHEMA_SET.length);
  if (path === '')
    throw new UsageError(
      '--set schema= needs a file: a kernel cannot drop its schema by update (delete the schema layer by hand, or create the kernel again).',
    );
  return { sets: rest, source: readSchemaFile(path) };
}

export interface GeneratedDecisions {
  /** The update's decisions with the generated files in: added, or replacing the render the new plan drops. */
  decisions: FileDecision[];
  /** Generated files not written because the kernel has its own: the samples the user wrote. */
  keptOwn: string[];
}

/**
 * Where the schema, the model and the samples land. A typed kernel's own schema file and generated model are
 * replaced; any other file in their place stops the update (one sentence, nothing written). Samples already in the
 * kernel are kept, as update keeps user edits.
 */
export function withGeneratedFiles(
  generated: PlannedFile[],
  disk: Map<string, DiskFile>,
  decisions: FileDecision[],
  recorded: { schema?: string; outputSchema?: string },
): GeneratedDecisions {
  // What the kernel's last render made its own: the recorded schema file and the model generated from it.
  const replaceable = new Set([
    ...(recorded.schema === undefined ? [] : [recorded.schema, MODEL_PATH]),
    // Regenerated beside the payload model: the answers' schema is the same file, its model from the same script.
    ...(recorded.outputSchema === undefined ? [] : [recorded.outputSchema, ANSWER_MODEL_PATH]),
  ]);
  const replaced = new Map<string, FileDecision>();
  const keptOwn: string[] = [];
  for (const file of generated) {
    const before = disk.get(file.path)?.bytes;
    if (before?.equals(Buffer.from(file.contents))) continue;
    // A rendered file the new plan drops and the user never changed (the untyped kernel's samples) is replaced.
    const replacesRender = decisions.some((d) => d.path === file.path && d.outcome === 'removed');
    if (before !== undefined && !replacesRender && !replaceable.has(file.path)) {
      if (file.path === SAMPLES_PATH) {
        keptOwn.push(file.path);
        continue;
      }
      throw new UsageError(
        `${quote(file.path)} already exists in the kernel with other contents; move it away (or give the schema another file name) and run update again.`,
      );
    }
    replaced.set(file.path, {
      path: file.path,
      outcome: before === undefined ? 'added' : 'updated',
      before,
      after: file.contents,
      executable: false,
      conflicts: 0,
      twoWay: false,
    });
  }
  return {
    decisions: [...decisions.filter((d) => !replaced.has(d.path)), ...replaced.values()],
    keptOwn,
  };
}
