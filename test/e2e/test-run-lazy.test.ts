// --help and create must not pay for test-run: kafkajs, pg and test-run's modules load only when it runs.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BIN, makeTempDir, removeDir } from '../helpers/cli.js';

const HEAVY = /node_modules\/(kafkajs|pg)\/|dist\/(test-run|stand-ins)\/|dist\/commands\/test-run/;

describe('test-run is loaded lazily', () => {
  const dir = makeTempDir('cck-lazy-');
  // A resolve hook that prints every module URL the CLI loads.
  writeFileSync(join(dir, 'hook.mjs'), 'export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write(`LOADED ${r.url}\\n`); return r; }\n');
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});\n`);
  afterAll(() => removeDir(dir));

  const loaded = async (args: string[]): Promise<string[]> => {
    const run = await execa(process.execPath, ['--import', join(dir, 'register.mjs'), CLI_BIN, ...args], { cwd: dir, reject: false, env: { NO_COLOR: '1' } });
    return run.stderr.split('\n').filter((line) => line.startsWith('LOADED ')).map((line) => line.slice(7));
  };

  it('--help and create load none of it; test-run does', async () => {
    expect((await loaded(['--help'])).filter((url) => HEAVY.test(url))).toEqual([]);
    expect((await loaded(['k', '--yes', '--no-install', '--no-git'])).filter((url) => HEAVY.test(url))).toEqual([]);
    expect((await loaded(['test-run', dir])).some((url) => url.includes('dist/commands/test-run'))).toBe(true);
  });
});
