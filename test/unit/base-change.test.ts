// A template change, told per kind and per file: which golden renders it touches, before anyone reads a 2,000-line diff.
// Refresh the golden renders on purpose with `npm run snapshots:update`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../src/kinds.js';
import { formatGolden, GOLDEN_DIR, goldenFiles, parseGolden, renderGolden } from '../helpers/golden.js';

function touchedFiles(kind: (typeof KINDS)[number]['name']): string[] {
  const golden = parseGolden(readFileSync(join(GOLDEN_DIR, `${kind}.txt`), 'utf8'));
  const now = goldenFiles(kind);
  const paths = [...new Set([...golden.keys(), ...now.keys()])].sort();
  return paths.flatMap((path) => {
    if (!golden.has(path)) return [`${path} (added)`];
    if (!now.has(path)) return [`${path} (removed)`];
    return golden.get(path) === now.get(path) ? [] : [path];
  });
}

describe('template changes against the golden renders', () => {
  it('parses a golden file back into exactly the files it was made of', () => {
    const files = new Map([
      ['a.py', 'first\n'],
      ['empty', ''],
      ['no-newline (executable)', 'x'],
      ['looks-like-a-header', '===== not a header at line end ====\n'],
      ['last', 'end\n\n'],
    ]);
    expect(parseGolden(formatGolden(files))).toEqual(files);
  });

  it('reads back every file of a kind as the renderer made it', () => {
    expect(parseGolden(renderGolden('http'))).toEqual(goldenFiles('http'));
  });

  it('no kind renders differently from its golden snapshot (otherwise: which files of which kinds)', () => {
    const touched = KINDS.map((kind) => ({ kind: kind.name, files: touchedFiles(kind.name) })).filter(
      (entry) => entry.files.length > 0,
    );
    const base =
      touched.length === KINDS.length
        ? touched.map((t) => t.files).reduce((a, b) => a.filter((f) => b.includes(f)))
        : [];
    const report = [
      ...(base.length > 0 ? [`every kind (a base change): ${base.join(', ')}`] : []),
      ...touched.map((t) => `${t.kind}: ${t.files.filter((f) => !base.includes(f)).join(', ') || '(only the above)'}`),
    ].join('\n');
    expect(
      touched,
      `The templates change these files of the golden renders:\n${report}\nIf intended, run npm run snapshots:update and commit.`,
    ).toEqual([]);
  });
});
