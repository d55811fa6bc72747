// Fetches pinned jars over HTTPS from a Maven repository's plain file layout, verifying each one's SHA-256.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import type { PinnedJar } from './kafka-jar-pins.js';

const PARALLEL_DOWNLOADS = 6;

/**
 * The repository to fetch from: CLUSTERA_MAVEN_REPOSITORY, else the first mirror in Maven's settings.xml.
 * Undefined when neither names one; Maven itself then resolves the jars with its own defaults.
 */
export function mavenRepository(
  env: NodeJS.ProcessEnv = process.env,
  settingsFile = mavenSettingsFile(env),
): string | undefined {
  const url = env.CLUSTERA_MAVEN_REPOSITORY?.trim() || firstMirrorUrl(settingsFile);
  return url ? url.replace(/\/+$/, '') : undefined;
}

function mavenSettingsFile(env: NodeJS.ProcessEnv): string {
  return join(env.HOME ?? homedir(), '.m2', 'settings.xml');
}

// A regular expression is enough: only <mirror><url> is read, and a settings file we cannot read just means "none".
function firstMirrorUrl(settingsFile: string): string | undefined {
  let xml: string;
  try {
    xml = readFileSync(settingsFile, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  } catch {
    return undefined;
  }
  const url = /<mirror>[\s\S]*?<url>\s*([^<\s]+)\s*<\/url>/.exec(xml)?.[1];
  return url && /^https?:\/\//.test(url) ? url : undefined;
}

async function fetchOne(jar: PinnedJar, repository: string, dir: string): Promise<void> {
  const url = `${repository}/${jar.path}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== jar.sha256)
    throw new Error(`${url} does not match its pinned checksum (got sha256 ${sha256}, expected ${jar.sha256})`);
  await writeFile(join(dir, basename(jar.path)), bytes);
}

/** Downloads every jar into `dir`, a few at a time; the first failure rejects. */
export async function fetchPinnedJars(jars: PinnedJar[], repository: string, dir: string): Promise<void> {
  const queue = [...jars];
  const worker = async (): Promise<void> => {
    for (let jar = queue.shift(); jar !== undefined; jar = queue.shift()) await fetchOne(jar, repository, dir);
  };
  await Promise.all(Array.from({ length: PARALLEL_DOWNLOADS }, worker));
}
