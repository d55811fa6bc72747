// What every rendered kernel holds beyond its golden text: only its own dependencies, its own samples, public imports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_DEPENDENCIES, KINDS, type KindName } from '../../src/kinds.js';
import { renderPlan } from '../../src/render/plan.js';
import { RUNTIME_CHECKOUT } from '../../src/render/runtime-dependency.js';

const RUNTIME_SOURCE = join(RUNTIME_CHECKOUT, 'src', 'kernel_runtime');

function fileOf(kind: KindName, path: string): string {
  const file = renderPlan({ name: 'x-k', topic: 'the-topic', kind, group: 'the-group' }, '0').files.find(
    (f) => f.path === path,
  );
  if (!file) throw new Error(`${kind} kernel has no ${path}`);
  return file.contents;
}

describe.each(KINDS.map((k) => k.name))('%s kernel', (kind) => {
  it("names no other kind's libraries in pyproject.toml", () => {
    const pyproject = fileOf(kind, 'pyproject.toml');
    expect(pyproject).not.toContain('[project.optional-dependencies]');
    const own = KINDS.find((k) => k.name === kind)!.dependencies;
    for (const other of KINDS.filter((k) => k.name !== kind)) {
      // A library two kinds share (uvloop: http and ai) is this kind's own.
      for (const dependency of other.dependencies.filter((d) => !own.includes(d)))
        expect(pyproject).not.toContain(JSON.stringify(dependency));
    }
  });

  it('pins its dev tools and sorts the runtime with its own modules', () => {
    const pyproject = fileOf(kind, 'pyproject.toml');
    for (const tool of DEV_DEPENDENCIES) expect(pyproject).toContain(JSON.stringify(tool));
    expect(DEV_DEPENDENCIES).toEqual(expect.arrayContaining(['ruff>=0.17.6,<0.18', 'mypy>=2.4,<2.5', 'pytest>=8,<9']));
    expect(pyproject).toMatch(/^known-first-party = \["kernel_runtime"\]$/m);
  });

  it('keeps its sample messages in tests/sample_messages.jsonl, one JSON value a line', () => {
    const lines = fileOf(kind, 'tests/sample_messages.jsonl')
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      KINDS.find((k) => k.name === kind)!.samplePayload,
    ]);
    expect(fileOf(kind, 'tests/conftest.py')).toContain('sample_messages.jsonl');
  });

  it('holds no runtime source and tests only its own code', () => {
    const paths = renderPlan({ name: 'x-k', topic: 'the-topic', kind, group: 'the-group' }, '0').files.map(
      (f) => f.path,
    );
    expect(paths.filter((path) => /^tests\/[^/]*\.py$/.test(path)).sort()).toEqual(
      ['tests/conftest.py', 'tests/test_integration.py', 'tests/test_process_message.py'].sort(),
    );
    expect(paths.filter((path) => path.startsWith('kernel_runtime/') || path.startsWith('tests/runtime/'))).toEqual([]);
    expect(paths).not.toContain('tests/fakes.py');
  });

  it('imports in test_integration.py only what kernel_runtime exports', () => {
    const source = fileOf(kind, 'tests/test_integration.py');
    expect(source).not.toMatch(/^from kernel_runtime\./m);
    const exported = [
      ...readFileSync(join(RUNTIME_SOURCE, '__init__.py'), 'utf8').matchAll(/^ {4}"([A-Za-z_]+)",$/gm),
    ].map((m) => m[1]);
    const imported = /^from kernel_runtime import (.+)$/m.exec(source)?.[1]?.split(', ') ?? [];
    expect(imported.length).toBeGreaterThan(0);
    for (const name of imported) expect(exported).toContain(name);
  });
});

describe.each(KINDS.map((k) => k.name))('%s kernel deploy files', (kind) => {
  it('has a railway.json that builds the Dockerfile, restarts on failure a bounded number of times and checks /healthz', () => {
    const railway = JSON.parse(fileOf(kind, 'railway.json')) as {
      build: Record<string, unknown>;
      deploy: Record<string, unknown>;
    };
    expect(railway.build).toMatchObject({ builder: 'DOCKERFILE', dockerfilePath: 'Dockerfile' });
    expect(railway.deploy).toMatchObject({ restartPolicyType: 'ON_FAILURE', healthcheckPath: '/healthz' });
    expect(railway.deploy.restartPolicyMaxRetries).toBeGreaterThan(0);
    const readme = fileOf(kind, 'README.md');
    expect(readme).toContain('## Deploy');
    for (const variable of KINDS.find((k) => k.name === kind)!.env.filter((v) => v.required))
      expect(readme).toContain(`\`${variable.name}\``);
    expect(readme).toMatch(/at most one of them/);
  });

  it('runs root-owned code as a numeric unprivileged user, with a curl-free HEALTHCHECK', () => {
    const dockerfile = fileOf(kind, 'Dockerfile');
    expect(dockerfile).not.toContain('--chown');
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n\s+CMD \["python", "-m", "kernel_runtime\.health_probe"\]$/m);
    expect(readFileSync(join(RUNTIME_SOURCE, 'health_probe.py'), 'utf8')).toMatch(/^def probe\(/m);
    const instructions = dockerfile.split('\n').filter((line) => !line.startsWith('#'));
    expect(instructions.join('\n')).not.toMatch(/curl|wget/);
    const python = /^ARG PYTHON_VERSION=(.+)$/m.exec(dockerfile)?.[1];
    expect(fileOf(kind, '.python-version').trim()).toBe(python);
  });

  it('keeps docs, tests, compose, the manifest and .env files (but the template) out of the image', () => {
    const ignored = fileOf(kind, '.dockerignore').split('\n');
    for (const entry of [
      'CLAUDE.md',
      'tests/',
      'docker-compose.yml',
      '.clustera-kernel.json',
      '.env*',
      '!.env.template',
    ])
      expect(ignored).toContain(entry);
    expect(ignored.indexOf('!.env.template')).toBeGreaterThan(ignored.indexOf('.env*'));
  });

  it('has a CI workflow that syncs, lints, formats, type-checks, tests with Kafka and runs check', () => {
    const workflow = fileOf(kind, '.github/workflows/ci.yml');
    for (const step of [
      'uv sync',
      'uv run ruff check',
      'uv run ruff format --check',
      'uv run mypy',
      'uv run pytest',
      'npx --yes create-clustera-kernel check',
    ]) {
      expect(workflow).toContain(`run: ${step}`);
    }
    expect(workflow).toMatch(/services:\n\s+kafka:\n(.*\n)*\s+image: apache\/kafka/);
    expect(workflow).toContain('KAFKA_BOOTSTRAP_SERVERS: localhost:9092');
  });
});
