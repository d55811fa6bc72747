// The README's flag tables list create's and test-run's flags as their tables in src/ declare them, in their order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answersFileKeys } from '../../src/create/answers-file.js';
import { CREATE_FLAGS, flagSyntax, type CreateFlag } from '../../src/create/create-flags.js';
import { TEST_RUN_FLAGS } from '../../src/test-run/test-run-flags.js';
import { REPO_ROOT } from '../helpers/cli.js';

/** The rows of the first table after `marker`, as [flag, meaning] cells. */
function readmeFlagRows(marker = '\n## Flags\n'): [string, string][] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const lines = readme.slice(readme.indexOf(marker)).split('\n');
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

describe('README test-run flag table', () => {
  const rows = () => readmeFlagRows('\n| test-run flag | meaning |\n');

  it('names the directory argument, then every flag of the table in its order', () => {
    expect(rows().map(([flag]) => flag)).toEqual([
      '`[directory]`',
      ...TEST_RUN_FLAGS.map((flag) => `\`${flagSyntax(flag)}\``),
    ]);
  });

  it('gives every flag a meaning, with its default when it has one', () => {
    for (const [flag, meaning] of rows()) expect(meaning, flag).not.toBe('');
    for (const flag of TEST_RUN_FLAGS.filter((f) => 'default' in f)) {
      const row = rows().find(([cell]) => cell === `\`${flagSyntax(flag)}\``);
      expect(row?.[1], flag.name).toContain(`(default ${flag.default})`);
    }
  });
});
