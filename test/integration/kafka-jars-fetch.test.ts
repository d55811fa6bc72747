// A fresh download of the broker's jars into an empty cache goes over HTTPS with pinned checksums, not Maven,
// and the next call reads the cache only.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PINNED_KAFKA_JARS } from '../../src/infra/kafka-jar-pins.js';
import { ensureKafkaJars } from '../../src/infra/kafka-jars.js';
import { DEFAULT_KAFKA_VERSION } from '../../src/infra/kafka-version.js';
import { makeTempDir, removeDir } from '../helpers/cli.js';

describe('Kafka jars over HTTPS', () => {
  it('fills an empty cache from the pinned list, then fetches nothing', async () => {
    const cache = makeTempDir('cck-kafka-cache-');
    try {
      const first = await ensureKafkaJars(DEFAULT_KAFKA_VERSION, cache);
      expect(first.source).toBe('https');
      const pinned = PINNED_KAFKA_JARS[DEFAULT_KAFKA_VERSION] ?? [];
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
      removeDir(cache);
    }
  });
});
