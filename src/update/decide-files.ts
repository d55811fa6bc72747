// The per-file rules of update: old hashes, the user's files and the new render → what happens to each file.
import { mergeThreeWay, mergeTwoWay } from './merge.js';
import { hashContents } from '../render/manifest.js';
import type { PlannedFile } from '../render/plan.js';
import type { DiskFile } from './disk-files.js';
import { lineEndingOf, toLf, withLineEnding } from './line-endings.js';
import { readText, type TextContents } from './text-or-binary.js';

export type { DiskFile } from './disk-files.js';

export type Outcome =
  | 'unchanged'
  | 'updated'
  | 'merged'
  | 'conflicted'
  | 'added'
  | 'removed'
  | 'kept'
  | 'left-deleted'
  | 'not-utf8';

/** Where the new render of a file that is not UTF-8 goes: beside it, never over it. */
export const NEW_TEMPLATE_SUFFIX = '.template-new';

export interface FileDecision {
  path: string;
  outcome: Outcome;
  /** The file as it is now (undefined: absent; a Buffer: not UTF-8, never decoded). */
  before?: string | Buffer;
  /** The file after the update (undefined: absent); equal to before when nothing changes. */
  after?: string | Buffer;
  executable: boolean;
  conflicts: number;
  /** True when no exact old render existed and every difference was marked as a conflict. */
  twoWay: boolean;
  /** For a file left as it is because it is not UTF-8: the new render, written beside it. */
  newTemplate?: { path: string; contents: string };
}

export interface UpdateInputs {
  /** Hashes recorded at the last render (the manifest's files). */
  recorded: Record<string, string>;
  rendered: PlannedFile[];
  disk: Map<string, DiskFile>;
}

// A file that differs from the render only in its line endings is one the user did not change.
function userChanged(recordedHash: string | undefined, mine: TextContents): boolean {
  return recordedHash !== hashContents(mine.raw) && recordedHash !== hashContents(mine.lf);
}

function templateChanged(file: PlannedFile, recorded: Record<string, string>): boolean {
  return hashContents(file.contents) !== recorded[file.path];
}

/** Files edited by the user that the new render also changes: the ones a merge needs an old render for. */
export function pathsNeedingBase({ recorded, rendered, disk }: UpdateInputs): string[] {
  return rendered
    .filter((file) => {
      const bytes = disk.get(file.path)?.bytes;
      const mine = bytes && readText(bytes);
      return (
        mine !== undefined &&
        recorded[file.path] !== undefined &&
        userChanged(recorded[file.path], mine) &&
        mine.lf !== toLf(file.contents) &&
        templateChanged(file, recorded)
      );
    })
    .map((file) => file.path);
}

/** The merged or new text in the user's file's own line endings (the template's, for a file without any). */
function inStyleOf(mine: TextContents, file: PlannedFile, lfText: string): string {
  return withLineEnding(lfText, mine.lineEnding ?? lineEndingOf(file.contents) ?? '\n');
}

function mergeFile(file: PlannedFile, mine: TextContents, base: string | undefined): FileDecision {
  const theirs = toLf(file.contents);
  const result = base === undefined ? mergeTwoWay(mine.lf, theirs) : mergeThreeWay(toLf(base), mine.lf, theirs);
  return {
    path: file.path,
    outcome: result.conflicts > 0 ? 'conflicted' : 'merged',
    before: mine.raw,
    after: inStyleOf(mine, file, result.text),
    executable: file.executable,
    conflicts: result.conflicts,
    twoWay: base === undefined,
  };
}

// Its bytes stay exactly as they are; the new render lands beside it for the user to bring in by hand.
function leaveNotUtf8(file: PlannedFile, mine: DiskFile): FileDecision {
  return {
    path: file.path,
    outcome: 'not-utf8',
    before: mine.bytes,
    after: mine.bytes,
    executable: mine.executable,
    conflicts: 0,
    twoWay: false,
    newTemplate: { path: `${file.path}${NEW_TEMPLATE_SUFFIX}`, contents: file.contents },
  };
}

function decideRendered(file: PlannedFile, inputs: UpdateInputs, base: Map<string, string>): FileDecision {
  const onDisk = inputs.disk.get(file.path);
  const recordedHash = inputs.recorded[file.path];
  const same = (
    outcome: Outcome,
    before: string | Buffer | undefined,
    after: string | Buffer | undefined,
  ): FileDecision => ({
    path: file.path,
    outcome,
    before,
    after,
    executable: file.executable,
    conflicts: 0,
    twoWay: false,
  });
  if (!onDisk)
    return recordedHash !== undefined
      ? same('left-deleted', undefined, undefined)
      : same('added', undefined, file.contents);
  const mine = readText(onDisk.bytes);
  if (!mine) {
    // The template did not change it: nothing to bring in, so nothing beside it either.
    if (recordedHash !== undefined && !templateChanged(file, inputs.recorded))
      return { ...same('unchanged', onDisk.bytes, onDisk.bytes), executable: onDisk.executable };
    return leaveNotUtf8(file, onDisk);
  }
  const theirs = toLf(file.contents);
  // A file of that name the user made before the template had one: merged as if the old render were empty.
  if (recordedHash === undefined)
    return mine.lf === theirs ? same('unchanged', mine.raw, mine.raw) : mergeFile(file, mine, '');
  if (!userChanged(recordedHash, mine)) {
    return mine.lf === theirs
      ? same('unchanged', mine.raw, mine.raw)
      : same('updated', mine.raw, inStyleOf(mine, file, theirs));
  }
  // The user changed it but the template did not: the user's file stands.
  if (mine.lf === theirs || !templateChanged(file, inputs.recorded)) return same('unchanged', mine.raw, mine.raw);
  return mergeFile(file, mine, base.get(file.path));
}

function decideRemoved(path: string, inputs: UpdateInputs): FileDecision | undefined {
  const onDisk = inputs.disk.get(path);
  if (!onDisk) return undefined;
  const mine = readText(onDisk.bytes);
  const before = mine?.raw ?? onDisk.bytes;
  const edited = mine === undefined || userChanged(inputs.recorded[path], mine);
  return {
    path,
    outcome: edited ? 'kept' : 'removed',
    before,
    after: edited ? before : undefined,
    executable: onDisk.executable,
    conflicts: 0,
    twoWay: false,
  };
}

export function decideFiles(inputs: UpdateInputs, base: Map<string, string>): FileDecision[] {
  const renderedPaths = new Set(inputs.rendered.map((file) => file.path));
  const decisions = inputs.rendered.map((file) => decideRendered(file, inputs, base));
  for (const path of Object.keys(inputs.recorded)) {
    if (renderedPaths.has(path)) continue;
    const decision = decideRemoved(path, inputs);
    if (decision) decisions.push(decision);
  }
  return decisions.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const bytesOf = (contents: string | Buffer): Buffer =>
  typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;

/** Whether the decision changes the disk: other bytes, a removal, or an executable bit that must follow the template. */
export function changesDisk(decision: FileDecision, disk: Map<string, DiskFile>): boolean {
  const mine = disk.get(decision.path);
  if (decision.after === undefined) return mine !== undefined;
  if (!mine) return true;
  return !mine.bytes.equals(bytesOf(decision.after)) || mine.executable !== decision.executable;
}
