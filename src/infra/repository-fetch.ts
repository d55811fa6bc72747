// Fetches pinned jars over HTTPS from a Maven repository's plain file layout, verifying each one's SHA-256.
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { PinnedJar } from "./kafka-jar-pins.js";

// Maven's own default repository; CLUSTERA_MAVEN_REPOSITORY points at a mirror instead.
const DEFAULT_REPOSITORY = "";
const PARALLEL_DOWNLOADS = 6;

export function mavenRepository(env: NodeJS.ProcessEnv = process.env): string {
  return (env.CLUSTERA_MAVEN_REPOSITORY?.trim() || DEFAULT_REPOSITORY).replace(/\/+$/, "");
}

async function fetchOne(jar: PinnedJar, repository: string, dir: string): Promise<void> {
  const url = `${repository}/${jar.path}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (sha256 !== jar.sha256) throw new Error(`${url} does not match its pinned checksum (got sha256 ${sha256}, expected ${jar.sha256})`);
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
