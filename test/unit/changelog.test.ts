// CHANGELOG.md is read as data: which releases an update brings in, their notes and their migration notes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CHANGELOG_PATH,
  formatReleaseNotes,
  migrationWarnings,
  parseChangelog,
  releaseNotesBetween,
} from '../../src/release-notes/changelog.js';

const SAMPLE = `# Changelog

Text about the format, with a list that is no release:

- not a note

## Unreleased

- not yet a release

## 0.10.0 - 2027-01-02

- Ten.
  Carried on.

### Migration

- Rename FOO to BAR.

## [0.9.0]

* Nine.

### Fixed

- Nine's fix.

## 0.2.0

- Two.
`;

describe('parseChangelog', () => {
  it('reads each versioned heading, its items (continued lines joined) and its migration items apart', () => {
    expect(parseChangelog(SAMPLE)).toEqual([
      { version: '0.10.0', notes: ['Ten. Carried on.'], migrations: ['Rename FOO to BAR.'] },
      { version: '0.9.0', notes: ['Nine.', "Nine's fix."], migrations: [] },
      { version: '0.2.0', notes: ['Two.'], migrations: [] },
    ]);
  });
});

describe('releaseNotesBetween', () => {
  const releases = parseChangelog(SAMPLE);
  const versions = (from: string, to: string) => releaseNotesBetween(releases, from, to).map((r) => r.version);

  it('lists the releases after the recorded version up to the current one, oldest first, in semver order', () => {
    expect(versions('0.2.0', '0.10.0')).toEqual(['0.9.0', '0.10.0']);
    expect(versions('0.1.0', '0.9.0')).toEqual(['0.2.0', '0.9.0']);
    expect(versions('0.10.0', '0.10.0')).toEqual([]);
  });

  it('lists nothing when a version is not semantic', () => {
    expect(versions('dev', '0.10.0')).toEqual([]);
  });

  it('prints notes under their version and each migration as its own line', () => {
    const between = releaseNotesBetween(releases, '0.9.0', '0.10.0');
    expect(formatReleaseNotes(between)).toBe('What changed in 0.10.0:\n  - Ten. Carried on.');
    expect(migrationWarnings(between)).toEqual(['0.10.0 migration: Rename FOO to BAR.']);
  });
});

describe("the package's CHANGELOG.md", () => {
  const releases = parseChangelog(readFileSync(CHANGELOG_PATH, 'utf8'));

  it('has an entry for 0.2.0 whose migration names the renamed health modules', () => {
    const next = releases.find((release) => release.version === '0.2.0');
    expect(next?.notes.length).toBeGreaterThan(0);
    expect(next?.migrations.join('\n')).toContain('kernel_runtime.health_server');
    expect(next?.migrations.join('\n')).toContain('kernel_runtime.health_probe');
  });

  it('lists its releases newest first', () => {
    const versions = releases.map((release) => release.version);
    expect(versions.length).toBeGreaterThan(1);
    expect(releaseNotesBetween(releases, '0.0.0', versions[0]!).map((r) => r.version)).toEqual([...versions].reverse());
  });
});
