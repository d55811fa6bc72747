// Two releases of this package as npm would publish them: both from one `npm pack` of the working tree, the older
// with a different version and one template line more, so the newer one's update has a real template change to apply.
import { appendFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { NpmRegistry } from '../infra/npm-registry.js';
import { REPO_ROOT } from './cli.js';

export const OLD_RELEASE = '0.0.1';
export const NEW_RELEASE = '0.0.2';

/** The rendered file the older release differs in, and the line only it renders (at the end). */
export const CHANGED_FILE = 'main.py';
export const OLD_RELEASE_LINE = '# Rendered by the release before this one.';
const CHANGED_TEMPLATE = join('templates', 'kinds', 'http', 'main.py.hbs');

async function unpack(tarball: string, into: string): Promise<string> {
  mkdirSync(into, { recursive: true });
  await execa('tar', ['-xzf', tarball, '-C', into]);
  return join(into, 'package');
}

async function setVersion(packageDir: string, version: string): Promise<void> {
  await execa('npm', ['pkg', 'set', `version=${version}`], { cwd: packageDir });
}

/** Packs the built tree once and publishes OLD_RELEASE and NEW_RELEASE of it to the registry. */
export async function publishTwoReleases(registry: NpmRegistry, workDir: string): Promise<void> {
  const packDir = join(workDir, 'pack');
  mkdirSync(packDir, { recursive: true });
  // The suite has already built dist/; rebuilding it here would pull it from under tests running beside this one.
  await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir, '--silent'], { cwd: REPO_ROOT });
  const tarball = readdirSync(packDir).find((file) => file.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${packDir}`);

  const oldPackage = await unpack(join(packDir, tarball), join(workDir, 'old'));
  await setVersion(oldPackage, OLD_RELEASE);
  appendFileSync(join(oldPackage, CHANGED_TEMPLATE), `${OLD_RELEASE_LINE}\n`);
  await registry.publish(oldPackage);

  const newPackage = await unpack(join(packDir, tarball), join(workDir, 'new'));
  await setVersion(newPackage, NEW_RELEASE);
  await registry.publish(newPackage);
}
