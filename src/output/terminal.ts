// Whether a standard descriptor is a terminal, without building process.stdin/stdout: that loads the stream and tty
// modules (about 4 ms), and a run with output to a pipe, a file or /dev/null never needs them.
import { fstatSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

function sameDevice(a: { rdev: number }, path: string): boolean {
  try {
    return statSync(path).rdev === a.rdev;
  } catch {
    return false;
  }
}

export function isTerminal(fd: 0 | 1 | 2): boolean {
  let stat: ReturnType<typeof fstatSync>;
  try {
    stat = fstatSync(fd);
  } catch {
    return false;
  }
  // Only character devices can be terminals; /dev/null is one too, and output is often sent there.
  if (!stat.isCharacterDevice() || sameDevice(stat, '/dev/null')) return false;
  const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
  return tty.isatty(fd);
}

/** CI systems set CI; there nothing is asked and nothing is drawn, even when a terminal is attached. */
export function runsInCi(): boolean {
  const value = process.env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}
