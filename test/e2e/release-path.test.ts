// The way a release reaches a user, end to end: scripts/release.sh publishes two releases of this tree (the CLI to a
// local npm registry, clustera-kernel-runtime to a local Python package index); a kernel made by the older one with
// `npm create` names no path of this machine, installs the runtime from the index, passes test-run against a local
// broker, and `npx` of the newer one moves it to the newer runtime line, whose lock and tests then pass.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NpmRegistry, startNpmRegistry } from '../infra/npm-registry.js';
import { type PythonIndex, startPythonIndex } from '../infra/python-index.js';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';
import type { TestRunResult } from '../../src/test-run/summary.js';
import { makeTempDir, REPO_ROOT, removeDir } from '../helpers/cli.js';
import { makeDir } from '../helpers/template-versions.js';

const OLD_RELEASE = '9.1.0';
const NEW_RELEASE = '9.2.0';
const KERNEL = 'my-kernel';
const RUNTIME = 'clustera-kernel-runtime';
const OWNER_LINE = '# The payments team owns this kernel.';

interface Run {
  exitCode: number;
  output: string;
  stdout: string;
}

async function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const result = await execa(command, args, { cwd, env, reject: false, all: true, stdin: 'ignore' });
  return { exitCode: result.exitCode ?? -1, output: result.all ?? '', stdout: result.stdout ?? '' };
}

/** The version and source uv.lock records for the runtime. */
function lockedRuntime(kernel: string): { version?: string; source?: string } {
  const lock = readFileSync(join(kernel, 'uv.lock'), 'utf8');
  const entry = new RegExp(
    `\\[\\[package\\]\\]\\nname = "${RUNTIME}"\\nversion = "([^"]+)"\\nsource = \\{ (.+) \\}`,
  ).exec(lock);
  return { version: entry?.[1], source: entry?.[2] };
}

/**
 * This tree as a release commit would hold it at `version`: package.json, runtime/pyproject.toml and a CHANGELOG.md
 * entry for every version given (newest first), with node_modules linked for the build `npm pack` runs.
 */
function stageRelease(into: string, versions: string[]): string {
  for (const file of releaseFiles()) {
    mkdirSync(join(into, file, '..'), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(into, file));
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(into, 'node_modules'));
  const [version] = versions;
  const packageJson = JSON.parse(readFileSync(join(into, 'package.json'), 'utf8')) as { version: string };
  packageJson.version = version ?? '';
  writeFileSync(join(into, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  const pyproject = join(into, 'runtime', 'pyproject.toml');
  writeFileSync(pyproject, readFileSync(pyproject, 'utf8').replace(/^version = ".*"$/m, `version = "${version}"`));
  const changelog = join(into, 'CHANGELOG.md');
  const text = readFileSync(changelog, 'utf8');
  const entries = versions.map((v) => `## ${v}\n\n- Release ${v} of the release-path test.\n\n`).join('');
  const firstRelease = text.indexOf('\n## ') + 1;
  writeFileSync(changelog, text.slice(0, firstRelease) + entries + text.slice(firstRelease));
  return into;
}

let files: string[] | undefined;
/** The working tree's files that git would commit, less the tests (but their launchers, which the build bundles too) and benchmarks. */
function releaseFiles(): string[] {
  files ??= execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(
      (file) => file.length > 0 && !/^(test\/(?!infra\/)|bench\/)/.test(file) && existsSync(join(REPO_ROOT, file)),
    );
  return files;
}

describe('the release path: release.sh, npm create from the registry, the runtime from the index, update', () => {
  let registry: NpmRegistry;
  let index: PythonIndex;
  let root: string;
  let kernel: string;
  let uvEnv: NodeJS.ProcessEnv;

  // What the release script is run with: the local registry's npm settings and the local index as uv's upload URL.
  function releaseEnv(): NodeJS.ProcessEnv {
    return { ...process.env, ...uvEnv, ...registry.clientEnv, ...index.publishEnv };
  }

  // A user's shell: npm from the local registry, uv pointed at pip's index, a generator cache of their own.
  function userEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      ...uvEnv,
      ...registry.clientEnv,
      NO_COLOR: '1',
      CI: '',
      KAFKA_BOOTSTRAP_SERVERS: '',
      CREATE_CLUSTERA_KERNEL_OFFLINE: '',
      CREATE_CLUSTERA_KERNEL_CACHE: mkdtempSync(join(root, 'generator-cache-')),
    };
  }

  beforeAll(async () => {
    root = makeTempDir('cck-release-path-');
    uvEnv = resolveUvEnvironment();
    [registry, index] = await Promise.all([startNpmRegistry(), startPythonIndex()]);
    // One release after the other, as they would be made: each builds its tarball, wheel and sdist once.
    for (const versions of [[OLD_RELEASE], [NEW_RELEASE, OLD_RELEASE]]) {
      const tree = stageRelease(join(root, `release-${versions[0]}`), versions);
      const released = await run('bash', [join(tree, 'scripts', 'release.sh')], tree, releaseEnv());
      expect(released.exitCode, released.output).toBe(0);
      expect(released.output).toContain(`release: published create-clustera-kernel ${versions[0]}`);
    }
  }, 300_000);
  afterAll(async () => {
    await Promise.all([registry?.stop(), index?.stop()]);
    if (root) removeDir(root);
  });

  it('published both releases: the CLI to the registry, the wheel and sdist to the index', async () => {
    const simple = await (await fetch(`${index.simpleUrl}${RUNTIME}/`)).text();
    for (const version of [OLD_RELEASE, NEW_RELEASE]) {
      expect(simple).toContain(`clustera_kernel_runtime-${version}-py3-none-any.whl`);
      expect(simple).toContain(`clustera_kernel_runtime-${version}.tar.gz`);
    }
    const view = await run('npm', ['view', 'create-clustera-kernel', 'versions', '--json'], root, registry.clientEnv);
    expect(JSON.parse(view.stdout)).toEqual([OLD_RELEASE, NEW_RELEASE]);
  });

  it('refuses to release a version the registry already has, before publishing anything', async () => {
    const tree = join(root, `release-${OLD_RELEASE}`);
    const again = await run('bash', [join(tree, 'scripts', 'release.sh')], tree, releaseEnv());
    expect(again.exitCode).toBe(1);
    expect(again.output).toContain(`release: create-clustera-kernel ${OLD_RELEASE} is already on the npm registry`);
    expect(again.output).not.toContain('release: building');
  });

  it('refuses, before building, versions that differ between package.json and the runtime, or no CHANGELOG.md entry', async () => {
    // Only what the checks read: a build would fail loudly if the script went past them.
    const tree = join(root, 'unchecked');
    for (const file of ['scripts/release.sh', 'package.json', 'runtime/pyproject.toml', 'CHANGELOG.md']) {
      mkdirSync(join(tree, file, '..'), { recursive: true });
      cpSync(join(root, `release-${NEW_RELEASE}`, file), join(tree, file));
    }
    const pyproject = join(tree, 'runtime', 'pyproject.toml');
    const released = readFileSync(pyproject, 'utf8');
    writeFileSync(pyproject, released.replace(`version = "${NEW_RELEASE}"`, 'version = "9.2.1"'));
    const differing = await run('bash', [join(tree, 'scripts', 'release.sh'), '--dry-run'], tree, releaseEnv());
    expect(differing.exitCode).toBe(1);
    expect(differing.output).toContain(
      `release: package.json says ${NEW_RELEASE} but runtime/pyproject.toml says 9.2.1: release both at one version`,
    );

    writeFileSync(pyproject, released);
    const changelog = join(tree, 'CHANGELOG.md');
    writeFileSync(changelog, readFileSync(changelog, 'utf8').replace(`## ${NEW_RELEASE}\n`, '## 9.2.0-draft\n'));
    const unnoted = await run('bash', [join(tree, 'scripts', 'release.sh'), '--dry-run'], tree, releaseEnv());
    expect(unnoted.exitCode).toBe(1);
    expect(unnoted.output).toContain(`release: CHANGELOG.md has no entry for ${NEW_RELEASE}`);
    expect(unnoted.output).not.toContain('release: building');
  });

  it('npm create of the older release, answers naming the index, makes a kernel that takes the runtime from it', async () => {
    const cwd = makeDir(join(root, 'user'));
    // The team's index for the runtime, as an answers file gives it (the same answer as --python-index).
    const answers = join(cwd, 'answers.json');
    writeFileSync(answers, JSON.stringify({ pythonIndex: index.simpleUrl }));
    const created = await run(
      'npm',
      [
        'create',
        `clustera-kernel@${OLD_RELEASE}`,
        KERNEL,
        '--',
        '--kind',
        'http',
        '--topic',
        't',
        '--answers',
        answers,
        '--yes',
        '--no-install',
        '--no-git',
      ],
      cwd,
      userEnv(),
    );
    expect(created.exitCode, created.output).toBe(0);
    kernel = join(cwd, KERNEL);
    const pyproject = readFileSync(join(kernel, 'pyproject.toml'), 'utf8');
    expect(pyproject).toContain(`"${RUNTIME}[http]>=9.1,<9.2"`);
    // Made by a released CLI: no uv path source, and no folder of this machine anywhere in it.
    expect(pyproject).not.toMatch(/\bpath\s*=/);
    expect(pyproject).not.toContain(REPO_ROOT);
    expect(pyproject).not.toContain(root);
    // The runtime from that index alone; everything else from the default one.
    expect(pyproject).toContain(`url = "${index.simpleUrl}"\nexplicit = true`);
    expect(pyproject).toContain(`${RUNTIME} = { index = "clustera" }`);

    const synced = await run('uv', ['sync', '--quiet'], kernel, userEnv());
    expect(synced.exitCode, synced.output).toBe(0);
    expect(lockedRuntime(kernel)).toEqual({ version: OLD_RELEASE, source: `registry = "${index.simpleUrl}"` });
    expect(readFileSync(join(kernel, 'uv.lock'), 'utf8')).not.toContain(REPO_ROOT);
  }, 300_000);

  it('passes test-run with local stand-ins: the API stand-in and a local broker test-run starts itself', async () => {
    const tested = await run(
      'npx',
      ['--yes', `create-clustera-kernel@${OLD_RELEASE}`, 'test-run', '--local', '--messages', '20', '--json'],
      kernel,
      userEnv(),
    );
    let result: TestRunResult;
    try {
      result = JSON.parse(tested.stdout) as TestRunResult;
    } catch {
      throw new Error(`test-run printed no JSON (exit ${tested.exitCode}):\n${tested.output}`);
    }
    expect(result.ok, tested.output).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.messages).toEqual({ produced: 20, processed: 20, deadLettered: 0 });
    expect(result.standIns.length).toBeGreaterThan(0);
  }, 300_000);

  it('npx update to the newer release moves the runtime to its line, relocks it from the index, and pytest passes', async () => {
    // The owner's own line, so pyproject.toml is merged with the older release's render as its base.
    const pyprojectPath = join(kernel, 'pyproject.toml');
    writeFileSync(pyprojectPath, `${OWNER_LINE}\n${readFileSync(pyprojectPath, 'utf8')}`);
    const updated = await run('npx', ['--yes', `create-clustera-kernel@${NEW_RELEASE}`, 'update'], kernel, userEnv());
    expect(updated.exitCode, updated.output).toBe(0);
    // The older release's render, rebuilt from its published package (no git here), is the merge base.
    expect(updated.output).toMatch(/merged\s+pyproject\.toml/);
    expect(updated.output).not.toMatch(/conflict/i);
    expect(updated.output).toContain('uv.lock matches pyproject.toml again.');
    const pyproject = readFileSync(pyprojectPath, 'utf8');
    expect(pyproject).toContain(`"${RUNTIME}[http]>=9.2,<9.3"`);
    expect(pyproject).not.toContain('>=9.1,<9.2');
    expect(pyproject.startsWith(`${OWNER_LINE}\n`)).toBe(true);
    expect(pyproject).toContain(`url = "${index.simpleUrl}"`);
    const manifest = JSON.parse(readFileSync(join(kernel, '.clustera-kernel.json'), 'utf8'));
    expect(manifest.generator.version).toBe(NEW_RELEASE);

    // update ran `uv lock` itself, as pyproject.toml changed in a kernel that keeps a uv.lock.
    expect(lockedRuntime(kernel)).toEqual({ version: NEW_RELEASE, source: `registry = "${index.simpleUrl}"` });
    const tests = await run('uv', ['run', '--locked', 'pytest', '-q', '-p', 'no:cacheprovider'], kernel, userEnv());
    expect(tests.exitCode, tests.output).toBe(0);
    expect(tests.output).toMatch(/\d+ passed/);
    const installed = await run(
      'uv',
      ['run', '--locked', 'python', '-c', `import importlib.metadata as m; print(m.version("${RUNTIME}"))`],
      kernel,
      userEnv(),
    );
    expect(installed.stdout.trim(), installed.output).toBe(NEW_RELEASE);
  }, 300_000);
});
