// The HTTPS jar fetch against a local repository: verified jars land in the directory, a tampered one is refused.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPinnedJars, mavenRepository } from '../../src/infra/repository-fetch.js';
import { startRecordingServer, type RecordingServer } from '../../src/stand-ins/recording-server.js';
import { makeTempDir, removeDir } from '../helpers/cli.js';

const content = 'jar bytes';
const sha256 = createHash('sha256').update(content).digest('hex');

describe('fetchPinnedJars', () => {
  let repository: RecordingServer;
  beforeAll(async () => {
    repository = await startRecordingServer((request) =>
      request.path.endsWith('.jar')
        ? { body: request.path.includes('tampered') ? 'other bytes' : content }
        : { status: 404 },
    );
  });
  afterAll(() => repository.close());

  it('writes each verified jar under its file name', async () => {
    const dir = makeTempDir('cck-jars-');
    try {
      await fetchPinnedJars(
        [
          { path: 'org/example/a/1.0/a-1.0.jar', sha256 },
          { path: 'org/example/b/2.0/b-2.0.jar', sha256 },
        ],
        repository.url,
        dir,
      );
      expect(readFileSync(join(dir, 'a-1.0.jar'), 'utf8')).toBe(content);
      expect(readFileSync(join(dir, 'b-2.0.jar'), 'utf8')).toBe(content);
      expect(repository.requests.map((r) => r.path).sort()).toEqual([
        '/org/example/a/1.0/a-1.0.jar',
        '/org/example/b/2.0/b-2.0.jar',
      ]);
    } finally {
      removeDir(dir);
    }
  });

  it('refuses a jar whose checksum differs, and a missing one', async () => {
    const dir = makeTempDir('cck-jars-');
    try {
      await expect(
        fetchPinnedJars([{ path: 'org/example/tampered/1.0/tampered-1.0.jar', sha256 }], repository.url, dir),
      ).rejects.toThrow(/does not match its pinned checksum/);
      await expect(
        fetchPinnedJars([{ path: 'org/example/c/1.0/c-1.0.pom', sha256 }], repository.url, dir),
      ).rejects.toThrow(/answered 404/);
    } finally {
      removeDir(dir);
    }
  });

  it("takes the repository from CLUSTERA_MAVEN_REPOSITORY, else the first mirror of Maven's settings, else none", () => {
    const dir = makeTempDir('cck-m2-');
    try {
      const settings = join(dir, 'settings.xml');
      const missing = join(dir, 'absent.xml');
      writeFileSync(
        settings,
        '<settings><!-- <mirror><url>https://old.example.test/</url></mirror> --><mirrors><mirror><id>m</id><url> https://mirror.example.test/m2/ </url></mirror></mirrors></settings>',
      );
      expect(mavenRepository({ CLUSTERA_MAVEN_REPOSITORY: 'https://env.example.test/maven2/' }, settings)).toBe(
        'https://env.example.test/maven2',
      );
      expect(mavenRepository({}, settings)).toBe('https://mirror.example.test/m2');
      expect(mavenRepository({}, missing)).toBeUndefined();
    } finally {
      removeDir(dir);
    }
  });
});
