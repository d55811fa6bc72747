// The templates of an earlier release, from the local cache or else the npm registry (via `npm pack`), cached per version.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

const PACKAGE_NAME = 'create-clustera-kernel';

export function generatorCacheDir(): string {
  return (
    process.env.CREATE_CLUSTERA_KERNEL_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), PACKAGE_NAME)
  );
}

/** Set CREATE_CLUSTERA_KERNEL_OFFLINE=1 (or npm's own offline setting) to never ask the registry. */
export function isOffline(): boolean {
  return Boolean(process.env.CREATE_CLUSTERA_KERNEL_OFFLINE) || process.env.npm_config_offline === 'true';
}

/** templates/ of the given release, or undefined when it cannot be had (offline, unpublished, no npm). */
export async function publishedTemplatesDir(version: string): Promise<string | undefined> {
  const packageDir = join(generatorCacheDir(), 'packages', version, 'package');
  if (existsSync(join(packageDir, 'templates'))) return join(packageDir, 'templates');
  if (isOffline() || !/^[0-9A-Za-z.+-]+$/.test(version)) return undefined;
  mkdirSync(join(generatorCacheDir(), 'packages'), { recursive: true });
  const work = mkdtempSync(join(generatorCacheDir(), 'packages', `.${version}-`));
  try {
    const pack = await execa('npm', ['pack', `${PACKAGE_NAME}@${version}`, '--pack-destination', work, '--silent'], {
      cwd: work,
      reject: false,
      timeout: 60_000,
      stdin: 'ignore',
    });
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    if (pack.exitCode !== 0 || !tarball) return undefined;
    const untar = await execa('tar', ['-xzf', tarball], { cwd: work, reject: false, timeout: 60_000 });
    if (untar.exitCode !== 0 || !existsSync(join(work, 'package', 'templates'))) return undefined;
    mkdirSync(join(packageDir, '..'), { recursive: true });
    renameSync(join(work, 'package'), packageDir);
    return join(packageDir, 'templates');
  } catch {
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
