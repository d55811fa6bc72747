// Applies an update's file changes all or nothing: stage beside the kernel, commit a journal, rename into place.
// A run killed after the journal is committed is rolled back by the next run (recoverInterruptedUpdate).
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { STAGING_PREFIX } from '../create/write.js';

const PYTHON_CACHE = '__pycache__';

export interface FileChange {
  path: string;
  /** undefined removes the file. */
  contents?: string | Buffer;
  executable?: boolean;
}

interface JournalEntry {
  path: string;
  /** The file existed before: its original is hard-linked under old/. */
  hadOriginal: boolean;
  remove: boolean;
}

export interface Journal {
  entries: JournalEntry[];
  /** Directories the apply step creates, removed again on rollback. */
  createdDirs: string[];
}

const JOURNAL = 'journal.json';

/** One fixed place per kernel, so a later run can find what an interrupted one left. */
export function stagingDirOf(kernelDir: string): string {
  return join(dirname(kernelDir), `${STAGING_PREFIX}update-${basename(kernelDir)}`);
}

function missingDirs(kernelDir: string, paths: string[]): string[] {
  const dirs = new Set<string>();
  for (const path of paths) {
    for (let dir = dirname(path); dir !== '.' && !existsSync(join(kernelDir, dir)); dir = dirname(dir)) dirs.add(dir);
  }
  return [...dirs].sort();
}

function stage(kernelDir: string, staging: string, changes: FileChange[]): Journal {
  const entries: JournalEntry[] = [];
  for (const change of changes) {
    const target = join(kernelDir, change.path);
    const hadOriginal = existsSync(target);
    if (change.contents !== undefined) {
      const staged = join(staging, 'new', change.path);
      mkdirSync(dirname(staged), { recursive: true });
      writeFileSync(staged, change.contents, { mode: change.executable ? 0o755 : 0o644 });
    }
    if (hadOriginal) {
      const backup = join(staging, 'old', change.path);
      mkdirSync(dirname(backup), { recursive: true });
      // A hard link keeps the very same file (content, mode, inode) to put back; it also proves rename() will work.
      linkSync(target, backup);
    }
    entries.push({ path: change.path, hadOriginal, remove: change.contents === undefined });
  }
  const writes = changes.filter((c) => c.contents !== undefined).map((c) => c.path);
  return { entries, createdDirs: missingDirs(kernelDir, writes) };
}

export function applyJournal(kernelDir: string, staging: string, journal: Journal): void {
  for (const dir of journal.createdDirs) mkdirSync(join(kernelDir, dir), { recursive: true });
  for (const entry of journal.entries) {
    const target = join(kernelDir, entry.path);
    if (entry.remove) unlinkSync(target);
    else renameSync(join(staging, 'new', entry.path), target);
  }
  removeEmptiedDirs(
    kernelDir,
    journal.entries.filter((entry) => entry.remove).map((entry) => entry.path),
  );
}

// A folder whose every file the update removed goes too (kernel_runtime/ after the runtime became a package), with
// the compiled caches of those files; a folder holding anything else of the user's stays.
function removeEmptiedDirs(kernelDir: string, removed: string[]): void {
  const dirs = new Set<string>();
  for (const path of removed) for (let dir = dirname(path); dir !== '.'; dir = dirname(dir)) dirs.add(dir);
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) {
    const full = join(kernelDir, dir);
    try {
      if (readdirSync(full).join() === PYTHON_CACHE) rmSync(join(full, PYTHON_CACHE), { recursive: true });
      rmdirSync(full);
    } catch {
      // Not empty, or already gone.
    }
  }
}

function rollBack(kernelDir: string, staging: string, journal: Journal): void {
  for (const entry of journal.entries) {
    const target = join(kernelDir, entry.path);
    const backup = join(staging, 'old', entry.path);
    // A backup already moved back (by an earlier, interrupted recovery) is simply gone.
    if (entry.hadOriginal) {
      if (existsSync(backup)) {
        // Its folder may have gone with the last file the update removed from it.
        mkdirSync(dirname(target), { recursive: true });
        renameSync(backup, target);
      }
    }
    // An added file that already left new/ was moved into the kernel: take it out again.
    else if (!existsSync(join(staging, 'new', entry.path))) rmSync(target, { force: true });
  }
  for (const dir of [...journal.createdDirs].reverse()) {
    try {
      rmdirSync(join(kernelDir, dir));
    } catch {
      // Not empty or already gone: the user's own files are never removed.
    }
  }
}

/** Puts the kernel back as it was before an update that was killed mid-way; true when there was one. */
export function recoverInterruptedUpdate(kernelDir: string): boolean {
  const staging = stagingDirOf(kernelDir);
  if (!existsSync(staging)) return false;
  const journalPath = join(staging, JOURNAL);
  const committed = existsSync(journalPath);
  if (committed) rollBack(kernelDir, staging, JSON.parse(readFileSync(journalPath, 'utf8')) as Journal);
  rmSync(staging, { recursive: true, force: true });
  return committed;
}

/** All changes land, or (on an error here, or after a kill and the next run's recovery) none do. */
/** Stages every change and commits the journal; until then the kernel itself is untouched. */
export function prepareChanges(kernelDir: string, changes: FileChange[]): Journal {
  recoverInterruptedUpdate(kernelDir);
  const staging = stagingDirOf(kernelDir);
  mkdirSync(staging);
  try {
    const journal = stage(kernelDir, staging, changes);
    writeFileSync(join(staging, `${JOURNAL}.tmp`), JSON.stringify(journal));
    // The commit point: from here on, recovery knows how to undo every step.
    renameSync(join(staging, `${JOURNAL}.tmp`), join(staging, JOURNAL));
    return journal;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

export function applyChanges(kernelDir: string, changes: FileChange[]): void {
  if (changes.length === 0) return;
  const journal = prepareChanges(kernelDir, changes);
  const staging = stagingDirOf(kernelDir);
  try {
    applyJournal(kernelDir, staging, journal);
  } catch (error) {
    rollBack(kernelDir, staging, journal);
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  // Done point: without a journal, a leftover staging directory is only debris.
  unlinkSync(join(staging, JOURNAL));
  rmSync(staging, { recursive: true, force: true });
}
