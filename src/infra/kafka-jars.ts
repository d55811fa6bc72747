import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PINNED_KAFKA_JARS } from './kafka-jar-pins.js';
import { kafkaMajor } from './kafka-version.js';
import { fetchPinnedJars, mavenRepository } from './repository-fetch.js';

const run = promisify(execFile);

const LOG4J_VERSION = '2.24.3';
const RELOAD4J_BINDING_VERSION = '1.7.36';

export interface KafkaJars {
  version: string;
  libDir: string;
  classpath: string;
}

// CLUSTERA_KAFKA_CACHE moves the cache, e.g. onto a CI volume; the default survives between runs.
export function kafkaCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLUSTERA_KAFKA_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'create-clustera-kernel');
}

// The broker ships no SLF4J binding; without one it logs nothing at all.
// Kafka 4.x still pins slf4j-api 1.7.36, which finds log4j-slf4j-impl but not the SLF4J 2 binding log4j-slf4j2-impl.
function loggingDependencies(version: string): string[] {
  if (kafkaMajor(version) >= 4) {
    return [
      dependency('org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J_VERSION),
      dependency('org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION),
    ];
  }
  return [dependency('org.slf4j', 'slf4j-reload4j', RELOAD4J_BINDING_VERSION)];
}

function dependency(groupId: string, artifactId: string, version: string): string {
  return `    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>`;
}

export function kafkaPom(version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>create-clustera-kernel</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
${[dependency('org.apache.kafka', 'kafka_2.13', version), ...loggingDependencies(version)].join('\n')}
  </dependencies>
</project>
`;
}

/** Where the jars came from on this call: the cache (no network), HTTPS with pinned checksums, or Maven. */
export type JarSource = 'cache' | 'https' | 'maven';

// Downloads the broker's runtime classpath once; later calls only read the cache and need no network.
export async function ensureKafkaJars(
  version: string,
  cacheRoot = kafkaCacheRoot(),
): Promise<KafkaJars & { source: JarSource }> {
  const dir = join(cacheRoot, `kafka-${version}`);
  const libDir = join(dir, 'lib');
  const source = existsSync(libDir) ? 'cache' : await downloadJars(version, dir, libDir);
  const jars = (await readdir(libDir)).filter((name) => name.endsWith('.jar')).sort();
  if (jars.length === 0) throw new Error(`No jars in ${libDir}; delete ${dir} and retry`);
  return { version, libDir, classpath: jars.map((name) => join(libDir, name)).join(':'), source };
}

// A pinned version needs no Maven when a repository is named (a user may have Java and nothing else); Maven resolves
// any other version, steps in when HTTPS fails, and knows its own default repository when none is named.
// Either fills a private directory that is renamed into place whole, so a concurrent or interrupted run never sees half a classpath.
async function downloadJars(version: string, dir: string, libDir: string): Promise<JarSource> {
  await mkdir(dir, { recursive: true });
  const staging = join(dir, `lib-${process.pid}`);
  const pinned = PINNED_KAFKA_JARS[version];
  const repository = mavenRepository();
  let httpsError = '';
  try {
    if (pinned && repository) {
      try {
        await mkdir(staging, { recursive: true });
        await fetchPinnedJars(pinned, repository, staging);
        await moveIntoPlace(staging, libDir);
        return 'https';
      } catch (error) {
        httpsError = `fetching over HTTPS failed (${error instanceof Error ? error.message : String(error)}); `;
        await rm(staging, { recursive: true, force: true });
      }
    }
    await mavenCopyDependencies(version, dir, staging, httpsError);
    await moveIntoPlace(staging, libDir);
    return 'maven';
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function moveIntoPlace(staging: string, libDir: string): Promise<void> {
  await rename(staging, libDir).catch((error: unknown) => {
    // Another run finished first; its copy is as good as ours.
    if (!existsSync(libDir)) throw error;
  });
}

async function mavenCopyDependencies(version: string, dir: string, staging: string, earlier: string): Promise<void> {
  const pom = join(dir, `pom-${process.pid}.xml`);
  await writeFile(pom, kafkaPom(version));
  try {
    await run(
      'mvn',
      ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `Could not fetch the Kafka ${version} jars: ${earlier}Maven is not installed. Set CLUSTERA_MAVEN_REPOSITORY to the URL of a Maven repository (Maven Central or your mirror), or install Maven.`,
      );
    }
    const output = (error as { stdout?: string }).stdout ?? '';
    throw new Error(
      `Could not fetch the Kafka ${version} jars: ${earlier}Maven: ${error instanceof Error ? error.message : String(error)}\n${output}`.trim(),
    );
  } finally {
    await rm(pom, { force: true });
  }
}
