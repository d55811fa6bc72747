// SHA-256 of a text, as hex. Loading node:crypto costs a scaffold about 7 ms; the build assembles sha256.wat into a
// 1 kB WebAssembly module that compiles in a fraction of a millisecond and hashes the same. From src/ (nothing
// assembled) or where WebAssembly is off (--jitless), node:crypto does it.
import { createRequire } from 'node:module';
import { SHA256_WASM } from './wasm-bytes.js';

// sha256.wat's layout: the message goes at INPUT, the digest comes back at DIGEST; padding needs 72 bytes more.
const INPUT = 1024;
const DIGEST = 512;
const PADDING = 72;
const PAGE = 65_536;

interface Sha256Exports {
  memory: WebAssembly.Memory;
  digest(length: number): void;
}

type Sha256 = (text: string) => string;

function cryptoSha256Hex(text: string): string {
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hash function of an assembled sha256.wat; node:crypto's when there is none or it cannot be instantiated. */
export function sha256From(wasmBytes: Uint8Array<ArrayBuffer> | undefined): Sha256 {
  let hasher: Sha256Exports;
  try {
    if (!wasmBytes || wasmBytes.length === 0) return cryptoSha256Hex;
    hasher = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes)).exports as unknown as Sha256Exports;
  } catch {
    return cryptoSha256Hex;
  }
  return (text) => {
    const length = Buffer.byteLength(text, 'utf8');
    const missing = INPUT + length + PADDING - hasher.memory.buffer.byteLength;
    if (missing > 0) hasher.memory.grow(Math.ceil(missing / PAGE));
    // A view of the module's memory, taken after any growth (growing detaches the old buffer).
    const memory = Buffer.from(hasher.memory.buffer);
    memory.write(text, INPUT, 'utf8');
    hasher.digest(length);
    return memory.toString('hex', DIGEST, DIGEST + 32);
  };
}

let builtIn: Sha256 | undefined;
// Texts whose hash is already known (files the build hashed), keyed by the text itself, so it can never be stale.
const known = new Map<string, string>();

/** Records the hash of a text hashed elsewhere: the build hashed every file a kernel copies unchanged. */
export function rememberSha256(text: string, hex: string): void {
  known.set(text, hex);
}

export function sha256Hex(text: string): string {
  const remembered = known.get(text);
  if (remembered !== undefined) return remembered;
  builtIn ??= sha256From(SHA256_WASM ? new Uint8Array(Buffer.from(SHA256_WASM, 'base64')) : undefined);
  return builtIn(text);
}
