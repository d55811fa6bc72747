// A directory's exact state, links not followed: bytes and mode of each file, target of each symbolic link.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

export type ByteSnapshot = Record<string, string>;

export function snapshotBytes(dir: string, skip: string[] = ['.git']): ByteSnapshot {
  const out: ByteSnapshot = {};
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      if (skip.includes(entry)) continue;
      const path = join(current, entry);
      const key = relative(dir, path);
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) out[key] = `link ${readlinkSync(path)}`;
      else if (stat.isDirectory()) walk(path);
      else out[key] = `file ${(stat.mode & 0o777).toString(8)} ${readFileSync(path).toString('base64')}`;
    }
  };
  walk(dir);
  return out;
}

/** Every file's line endings as CRLF (lines already ending in CRLF are left alone). */
export function toCrlf(bytes: Buffer): Buffer {
  return Buffer.from(bytes.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}
