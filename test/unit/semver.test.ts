// Release ordering follows Semantic Versioning 2.0.0 precedence, which decides which release notes an update prints.
import { describe, expect, it } from 'vitest';
import { compareSemver, inUpdateRange, isSemver } from '../../src/release-notes/semver.js';

describe('compareSemver', () => {
  it('orders the spec example chain 1.0.0-alpha < … < 1.0.0', () => {
    const chain = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ];
    for (let i = 0; i < chain.length - 1; i += 1) {
      expect(compareSemver(chain[i]!, chain[i + 1]!), `${chain[i]} < ${chain[i + 1]}`).toBeLessThan(0);
      expect(compareSemver(chain[i + 1]!, chain[i]!)).toBeGreaterThan(0);
    }
    expect([...chain].reverse().sort(compareSemver)).toEqual(chain);
  });

  it('compares numbers as numbers, not as text', () => {
    expect(compareSemver('0.10.0', '0.9.0')).toBeGreaterThan(0);
    expect(compareSemver('2.0.0', '10.0.0')).toBeLessThan(0);
    expect(compareSemver('1.0.0-2', '1.0.0-10')).toBeLessThan(0);
  });

  it('ignores build metadata and a leading v', () => {
    expect(compareSemver('1.2.3+build.5', '1.2.3')).toBe(0);
    expect(compareSemver('v1.2.3', '1.2.3')).toBe(0);
  });

  it('refuses what is not a semantic version', () => {
    expect(isSemver('1.2')).toBe(false);
    expect(isSemver('01.2.3')).toBe(false);
    expect(isSemver('1.2.3-')).toBe(false);
    expect(() => compareSemver('1.2', '1.2.0')).toThrow(/Not a semantic version: "1.2"/);
  });
});

describe('inUpdateRange', () => {
  it('takes releases after the recorded version up to and including the current one', () => {
    expect(inUpdateRange('0.1.0', '0.1.0', '0.3.0')).toBe(false);
    expect(inUpdateRange('0.2.0', '0.1.0', '0.3.0')).toBe(true);
    expect(inUpdateRange('0.3.0', '0.1.0', '0.3.0')).toBe(true);
    expect(inUpdateRange('0.4.0', '0.1.0', '0.3.0')).toBe(false);
    expect(inUpdateRange('0.2.0-rc.1', '0.1.0', '0.2.0')).toBe(true);
    expect(inUpdateRange('0.2.0', '0.1.0', '0.2.0-rc.1')).toBe(false);
  });
});
