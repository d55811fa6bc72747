// The WebAssembly SHA-256 that hashes a kernel's files for its manifest agrees with node:crypto on any text,
// across the padding boundaries and past the module's first page of memory.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import wabt from 'wabt';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256From } from '../../src/render/sha256/sha256.js';
import { REPO_ROOT } from '../helpers/cli.js';

const reference = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('sha256.wat', () => {
  let sha256: (text: string) => string;
  beforeAll(async () => {
    const assembler = await wabt();
    const module = assembler.parseWat(
      'sha256.wat',
      readFileSync(join(REPO_ROOT, 'src', 'render', 'sha256', 'sha256.wat'), 'utf8'),
      { bulk_memory: true },
    );
    const bytes = new Uint8Array(module.toBinary({}).buffer);
    module.destroy();
    sha256 = sha256From(bytes);
    // Not node:crypto's own function: the module was instantiated.
    expect(sha256.name).not.toBe('cryptoSha256Hex');
  });

  it('hashes the standard test vectors', () => {
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with node:crypto at every length around the 64-byte blocks', () => {
    for (let length = 0; length <= 200; length += 1)
      expect(sha256('x'.repeat(length)), `length ${length}`).toBe(reference('x'.repeat(length)));
  });

  it('agrees with node:crypto on any text, multi-byte characters included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => sha256(text) === reference(text)),
      { numRuns: 500 },
    );
  });

  it('grows its memory for a large file, then still hashes small ones', () => {
    const large = 'kernel\n'.repeat(40_000);
    expect(sha256(large)).toBe(reference(large));
    expect(sha256('after')).toBe(reference('after'));
  });
});
