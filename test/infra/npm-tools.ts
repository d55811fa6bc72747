// Test tools that come from npm (the Verdaccio registry, Renovate and the Node it needs), each installed once into
// its own prefix in the cache beside the Kafka jars, at an exact version, so tests and CI reuse it without the network.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kafkaCacheRoot } from '../../src/infra/kafka-jars.js';

const run = promisify(execFile);

export const VERDACCIO_VERSION = '6.8.0';
export const RENOVATE_VERSION = '44.121.2';
// Renovate 44 declares Node ^24.11; the npm package `node` carries that binary for this platform.
export const RENOVATE_NODE_VERSION = '24.21.0';

export interface NpmTool {
  /** The cache folder name; it changes with any version, so an upgrade never reuses an old install. */
  name: string;
  packages: Record<string, string>;
}

export const VERDACCIO: NpmTool = {
  name: `verdaccio-${VERDACCIO_VERSION}`,
  packages: { verdaccio: VERDACCIO_VERSION },
};

export const RENOVATE: NpmTool = {
  name: `renovate-${RENOVATE_VERSION}-node-${RENOVATE_NODE_VERSION}`,
  packages: { renovate: RENOVATE_VERSION, node: RENOVATE_NODE_VERSION },
};

export function npmToolDir(tool: NpmTool, cacheRoot = kafkaCacheRoot()): string {
  return join(cacheRoot, tool.name);
}

function installedVersion(prefix: string, name: string): string | undefined {
  const manifest = join(prefix, 'node_modules', name, 'package.json');
  if (!existsSync(manifest)) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
}

export function isNpmToolInstalled(tool: NpmTool, cacheRoot = kafkaCacheRoot()): boolean {
  const prefix = npmToolDir(tool, cacheRoot);
  return Object.entries(tool.packages).every(([name, version]) => installedVersion(prefix, name) === version);
}

/** The tool's prefix, installed first if needed; a half-finished install is never left where a test would use it. */
export async function ensureNpmTool(tool: NpmTool, cacheRoot = kafkaCacheRoot()): Promise<string> {
  const prefix = npmToolDir(tool, cacheRoot);
  if (isNpmToolInstalled(tool, cacheRoot)) return prefix;
  mkdirSync(cacheRoot, { recursive: true });
  const staging = mkdtempSync(join(cacheRoot, `.${tool.name}-`));
  try {
    const specs = Object.entries(tool.packages).map(([name, version]) => `${name}@${version}`);
    await run('npm', ['install', '--prefix', staging, '--no-audit', '--no-fund', '--no-save', ...specs], {
      maxBuffer: 16 * 1024 * 1024,
    });
    rmSync(prefix, { recursive: true, force: true });
    renameSync(staging, prefix);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  if (!isNpmToolInstalled(tool, cacheRoot)) throw new Error(`npm install of ${tool.name} left it incomplete`);
  return prefix;
}
