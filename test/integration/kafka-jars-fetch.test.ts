// A fresh download of the broker's jars into an empty cache goes over HTTPS with pinned checksums, not Maven,
// and the next call reads the cache only. The repository is served on loopback from the jars provisioning cached
// (the real files, under the repository's paths), so the test needs no remote host.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINNED_KAFKA_JARS } from '../../src/infra/kafka-jar-pins.js';
import { ensureKafkaJars, kafkaCacheRoot } from '../../src/infra/kafka-jars.js';
import { DEFAULT_KAFKA_VERSION } from '../../src/infra/kafka-version.js';
import { makeTempDir, removeDir } from '../helpers/cli.js';

// Answers each pinned repository path with the cached jar of that name; anything else is a 404.
function serveRepository(paths: Set<string>, libDir: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname).replace(/^\//, '');
    if (!paths.has(path)) {
      response.writeHead(404).end();
      return;
    }
    createReadStream(join(libDir, basename(path))).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('Kafka jars over HTTPS', () => {
  let server: Server;
  const pinned = PINNED_KAFKA_JARS[DEFAULT_KAFKA_VERSION] ?? [];

  beforeAll(async () => {
    const libDir = join(kafkaCacheRoot(), `kafka-${DEFAULT_KAFKA_VERSION}`, 'lib');
    const absent = pinned.filter((jar) => !existsSync(join(libDir, basename(jar.path))));
    if (absent.length > 0) throw new Error(`${libDir} lacks ${absent.length} pinned jars (run .ci/provision.sh first)`);
    server = await serveRepository(new Set(pinned.map((jar) => jar.path)), libDir);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fills an empty cache from the pinned list, then fetches nothing', async () => {
    const cache = makeTempDir('cck-kafka-cache-');
    const previous = process.env.CLUSTERA_MAVEN_REPOSITORY;
    process.env.CLUSTERA_MAVEN_REPOSITORY = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      expect(pinned.length).toBeGreaterThan(10);
      const first = await ensureKafkaJars(DEFAULT_KAFKA_VERSION, cache);
      expect(first.source).toBe('https');
      const names = readdirSync(first.libDir).sort();
      expect(names).toEqual(pinned.map((jar) => jar.path.split('/').at(-1)).sort());
      for (const jar of pinned) {
        const bytes = readFileSync(join(first.libDir, jar.path.split('/').at(-1) ?? ''));
        expect(createHash('sha256').update(bytes).digest('hex'), jar.path).toBe(jar.sha256);
      }
      const second = await ensureKafkaJars(DEFAULT_KAFKA_VERSION, cache);
      expect(second.source).toBe('cache');
      expect(second.classpath).toBe(first.classpath);
    } finally {
      if (previous === undefined) delete process.env.CLUSTERA_MAVEN_REPOSITORY;
      else process.env.CLUSTERA_MAVEN_REPOSITORY = previous;
      removeDir(cache);
    }
  });
});
