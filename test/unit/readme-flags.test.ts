// The README's flag table lists create's flags as the table in src/create/create-flags.ts declares them, in its order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answersFileKeys } from '../../src/create/answers-file.js';
import { CREATE_FLAGS, flagSyntax, type CreateFlag } from '../../src/create/create-flags.js';
import { REPO_ROOT } from '../helpers/cli.js';

/** The rows of the table under `## Flags`, as [flag, meaning] cells. */
function readmeFlagRows(): [string, string][] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const lines = readme.slice(readme.indexOf('\n## Flags\n')).split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('|'));
  // The table's first two lines are its header and the rule under it.
  return lines.slice(start + 2, end).map((row) => {
    const [flag = '', meaning = ''] = row
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim());
    return [flag, meaning];
  });
}

/** The flag column a flag should have: `--git` / `--no-git` for a negatable one. */
function expectedCell(flag: CreateFlag): string {
  const cell = `\`${flagSyntax(flag)}\``;
  return flag.negatedDescription === undefined ? cell : `${cell} / \`--no-${flag.name}\``;
}

describe('README flag table', () => {
  it('names the directory argument, then every flag of the table in its order', () => {
    expect(readmeFlagRows().map(([flag]) => flag)).toEqual(['`[directory]`', ...CREATE_FLAGS.map(expectedCell)]);
  });

  it('gives every flag a meaning', () => {
    for (const [flag, meaning] of readmeFlagRows()) expect(meaning, flag).not.toBe('');
  });

  it('lists, under --answers, exactly the keys an answers file may hold', () => {
    const answers = readmeFlagRows().find(([flag]) => flag.startsWith('`--answers '));
    const keys = [...(answers?.[1].split(' from a JSON file')[0] ?? '').matchAll(/`([A-Za-z]+)`/g)].map(
      (match) => match[1],
    );
    expect(keys).toEqual([...answersFileKeys().keys()]);
  });
});
