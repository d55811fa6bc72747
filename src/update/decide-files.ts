// The per-file rules of update: old hashes, the user's files and the new render → what happens to each file.
import { mergeThreeWay, mergeTwoWay } from './merge.js';
import { hashContents } from '../render/manifest.js';
import type { PlannedFile } from '../render/plan.js';

export type Outcome = 'unchanged' | 'updated' | 'merged' | 'conflicted' | 'added' | 'removed' | 'kept' | 'left-deleted';

export interface DiskFile {
  contents: string;
  executable: boolean;
}

export interface FileDecision {
  path: string;
  outcome: Outcome;
  /** The file as it is now (undefined: absent). */
  before?: string;
  /** The file after the update (undefined: absent); equal to before when nothing changes. */
  after?: string;
  executable: boolean;
  conflicts: number;
  /** True when no exact old render existed and every difference was marked as a conflict. */
  twoWay: boolean;
}

export interface UpdateInputs {
  /** Hashes recorded at the last render (the manifest's files). */
  recorded: Record<string, string>;
  rendered: PlannedFile[];
  disk: Map<string, DiskFile>;
}

function userChanged(path: string, file: DiskFile, recorded: Record<string, string>): boolean {
  return recorded[path] !== hashContents(file.contents);
}

/** Files edited by the user that the new render also changes: the ones a merge needs an old render for. */
export function pathsNeedingBase({ recorded, rendered, disk }: UpdateInputs): string[] {
  return rendered
    .filter((file) => {
      const mine = disk.get(file.path);
      return (
        mine !== undefined &&
        recorded[file.path] !== undefined &&
        userChanged(file.path, mine, recorded) &&
        mine.contents !== file.contents &&
        hashContents(file.contents) !== recorded[file.path]
      );
    })
    .map((file) => file.path);
}

function mergeFile(file: PlannedFile, mine: DiskFile, base: string | undefined): FileDecision {
  const result =
    base === undefined ? mergeTwoWay(mine.contents, file.contents) : mergeThreeWay(base, mine.contents, file.contents);
  return {
    path: file.path,
    outcome: result.conflicts > 0 ? 'conflicted' : 'merged',
    before: mine.contents,
    after: result.text,
    executable: file.executable,
    conflicts: result.conflicts,
    twoWay: base === undefined,
  };
}

function decideRendered(file: PlannedFile, inputs: UpdateInputs, base: Map<string, string>): FileDecision {
  const mine = inputs.disk.get(file.path);
  const wasRendered = inputs.recorded[file.path] !== undefined;
  const same = (outcome: Outcome, after: string | undefined): FileDecision => ({
    path: file.path,
    outcome,
    before: mine?.contents,
    after,
    executable: file.executable,
    conflicts: 0,
    twoWay: false,
  });
  if (!mine) return wasRendered ? same('left-deleted', undefined) : same('added', file.contents);
  // A file of that name the user made before the template had one: merged as if the old render were empty.
  if (!wasRendered)
    return mine.contents === file.contents ? same('unchanged', mine.contents) : mergeFile(file, mine, '');
  if (!userChanged(file.path, mine, inputs.recorded))
    return same(mine.contents === file.contents ? 'unchanged' : 'updated', file.contents);
  // The user changed it but the template did not: the user's file stands.
  if (mine.contents === file.contents || hashContents(file.contents) === inputs.recorded[file.path])
    return same('unchanged', mine.contents);
  return mergeFile(file, mine, base.get(file.path));
}

function decideRemoved(path: string, inputs: UpdateInputs): FileDecision | undefined {
  const mine = inputs.disk.get(path);
  if (!mine) return undefined;
  const edited = userChanged(path, mine, inputs.recorded);
  return {
    path,
    outcome: edited ? 'kept' : 'removed',
    before: mine.contents,
    after: edited ? mine.contents : undefined,
    executable: mine.executable,
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

/** Whether the decision changes the disk: new contents, a removal, or an executable bit that must follow the template. */
export function changesDisk(decision: FileDecision, disk: Map<string, DiskFile>): boolean {
  const mine = disk.get(decision.path);
  if (decision.after === undefined) return mine !== undefined;
  return !mine || mine.contents !== decision.after || mine.executable !== decision.executable;
}
