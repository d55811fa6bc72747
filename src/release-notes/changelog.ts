// CHANGELOG.md as data: one entry per `## <version>` heading, its list items as notes, those under `### Migration` apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';
import { compareSemver, inUpdateRange, isSemver } from './semver.js';

export interface ReleaseNotes {
  version: string;
  notes: string[];
  migrations: string[];
}

export const CHANGELOG_PATH = join(PACKAGE_ROOT, 'CHANGELOG.md');

const RELEASE_HEADING = /^##\s+\[?v?([^\s\]]+)\]?/;
const SUBHEADING = /^###\s+(.*)$/;
const ITEM = /^[-*]\s+(.*)$/;

/** Every release the text describes, in the file's order; headings that name no version (`## Unreleased`) are skipped. */
export function parseChangelog(text: string): ReleaseNotes[] {
  const releases: ReleaseNotes[] = [];
  let release: ReleaseNotes | undefined;
  let list: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('## ')) {
      const version = RELEASE_HEADING.exec(line)?.[1];
      release = version !== undefined && isSemver(version) ? { version, notes: [], migrations: [] } : undefined;
      if (release) releases.push(release);
      list = release?.notes;
      continue;
    }
    if (line.startsWith('# ')) {
      release = undefined;
      list = undefined;
      continue;
    }
    if (!release) continue;
    const subheading = SUBHEADING.exec(line);
    if (subheading) {
      list = /^migrations?\b/i.test(subheading[1]!.trim()) ? release.migrations : release.notes;
      continue;
    }
    const item = ITEM.exec(line);
    if (item && list) list.push(item[1]!.trim());
    // An indented line carries on the item above it.
    else if (/^\s+\S/.test(line) && list && list.length > 0) list[list.length - 1] += ` ${line.trim()}`;
  }
  return releases;
}

/** The releases an update from `from` to `to` brings in, oldest first; none when either is not a semantic version. */
export function releaseNotesBetween(releases: ReleaseNotes[], from: string, to: string): ReleaseNotes[] {
  if (!isSemver(from) || !isSemver(to)) return [];
  return releases
    .filter((release) => inUpdateRange(release.version, from, to))
    .sort((a, b) => compareSemver(a.version, b.version));
}

/** The package's own release notes between two versions; none when its CHANGELOG.md cannot be read. */
export function readReleaseNotes(from: string, to: string, path: string = CHANGELOG_PATH): ReleaseNotes[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return releaseNotesBetween(parseChangelog(text), from, to);
}

/** The notes of each release, for reading after an update's summary. */
export function formatReleaseNotes(releases: ReleaseNotes[]): string {
  return releases
    .filter((release) => release.notes.length > 0)
    .map((release) => [`What changed in ${release.version}:`, ...release.notes.map((note) => `  - ${note}`)].join('\n'))
    .join('\n');
}

/** One line per migration note: what the owner may have to change by hand. */
export function migrationWarnings(releases: ReleaseNotes[]): string[] {
  return releases.flatMap((release) =>
    release.migrations.map((migration) => `${release.version} migration: ${migration}`),
  );
}
