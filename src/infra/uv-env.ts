import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';

export interface PipSettings {
  indexUrl?: string;
  extraIndexUrls: string[];
  findLinks: string[];
  certFile?: string;
}

export interface UvOptions {
  /** Machines without outside network cannot download a Python build; a user's uv may, so the CLI leaves it be. */
  forbidPythonDownloads: boolean;
}

// uv ignores pip's configuration, so the index pip is pointed at is handed over in uv's own variables.
export function uvEnvironment(
  pip: PipSettings,
  env: NodeJS.ProcessEnv = {},
  options: UvOptions = { forbidPythonDownloads: true },
): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = options.forbidPythonDownloads
    ? { UV_PYTHON_DOWNLOADS: env.UV_PYTHON_DOWNLOADS ?? 'never' }
    : {};
  if (env.UV_DEFAULT_INDEX === undefined && env.UV_INDEX_URL === undefined && pip.indexUrl)
    result.UV_DEFAULT_INDEX = pip.indexUrl;
  if (env.UV_INDEX === undefined && pip.extraIndexUrls.length > 0) result.UV_INDEX = pip.extraIndexUrls.join(' ');
  if (env.UV_FIND_LINKS === undefined && pip.findLinks.length > 0) result.UV_FIND_LINKS = pip.findLinks.join(',');
  if (env.SSL_CERT_FILE === undefined && pip.certFile) result.SSL_CERT_FILE = pip.certFile;
  return result;
}

// `pip config list` prints `section.key='value'` lines and shows PIP_* variables as the `:env:` section, which wins.
function pipConfigList(env: NodeJS.ProcessEnv): Map<string, string> {
  const settings = new Map<string, string>();
  let output = '';
  try {
    output = execFileSync('pip', ['config', 'list'], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
  } catch {
    return settings;
  }
  for (const line of output.split('\n')) {
    const match = /^(.+)\.([a-z-]+)='(.*)'$/.exec(line.trim());
    if (!match) continue;
    const [, section, key = '', value = ''] = match;
    if (section === ':env:' || !settings.has(key)) settings.set(key, value);
  }
  return settings;
}

function words(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((word) => word.length > 0);
}

// uv fails on a missing find-links directory and gains nothing from an empty one (here PIP_FIND_LINKS=/opt/wheels is empty).
function usefulFindLink(link: string): boolean {
  if (/^[a-z]+:\/\//i.test(link)) return true;
  try {
    return statSync(link).isDirectory() && readdirSync(link).length > 0;
  } catch {
    return false;
  }
}

export function readPipSettings(env: NodeJS.ProcessEnv = process.env): PipSettings {
  const config = pipConfigList(env);
  // Without pip on PATH its environment variables still say where packages come from.
  const setting = (key: string): string | undefined =>
    config.get(key) ?? env[`PIP_${key.toUpperCase().replace(/-/g, '_')}`];
  const indexUrl = setting('index-url');
  const certFile = setting('cert');
  return {
    ...(indexUrl ? { indexUrl } : {}),
    extraIndexUrls: words(setting('extra-index-url')),
    findLinks: words(setting('find-links')).filter(usefulFindLink),
    ...(certFile && existsSync(certFile) ? { certFile } : {}),
  };
}

// The variables to add to the environment of every uv command the CLI or the tests run.
export function resolveUvEnvironment(env: NodeJS.ProcessEnv = process.env, options?: UvOptions): NodeJS.ProcessEnv {
  return uvEnvironment(readPipSettings(env), env, options);
}
