// The bundle renders from templates compiled at build time; what it writes must equal what src/ compiles at run time.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINDS } from '../../src/kinds.js';
import { withManifest } from '../../src/manifest.js';
import { generatorVersion } from '../../src/paths.js';
import { renderPlan } from '../../src/plan.js';
import { REPO_ROOT, listTree, makeTempDir, removeDir, runCli } from '../helpers/cli.js';

function templateSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.hbs'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('precompiled templates (built CLI)', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeTempDir('cck-precompiled-');
  });
  afterAll(() => removeDir(cwd));

  it('the bundle holds a compiled form of every template, so the cheap path is the one taken', () => {
    const bundle = readdirSync(join(REPO_ROOT, 'dist'))
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(REPO_ROOT, 'dist', file), 'utf8'))
      .join('\n');
    const sources = templateSources(join(REPO_ROOT, 'templates'));
    expect(sources.length).toBeGreaterThan(0);
    const missing = sources.filter((source) => !bundle.includes(createHash('sha256').update(readFileSync(source, 'utf8')).digest('hex')));
    expect(missing).toEqual([]);
  });

  it.each(KINDS.map((kind) => kind.name))('%s: the CLI writes byte for byte what src/ renders', async (kind) => {
    const name = `same-${kind}`;
    const run = await runCli([name, '--kind', kind, '--yes', '--no-install', '--no-git'], { cwd });
    expect(run.exitCode, run.stderr).toBe(0);
    const answers = { name, topic: `clustera-${name}`, kind, group: `${name}-group` } as const;
    const plan = withManifest(renderPlan(answers, generatorVersion()));
    expect(listTree(join(cwd, name))).toEqual(plan.files.map((file) => file.path).sort());
    for (const file of plan.files) expect(readFileSync(join(cwd, name, file.path), 'utf8'), file.path).toBe(file.contents);
  });
});
