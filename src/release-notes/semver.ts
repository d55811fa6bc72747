// Semantic Versioning 2.0.0 precedence, enough to order this package's releases: no ranges, no coercion.

interface SemVer {
  core: [number, number, number];
  prerelease: string[];
}

const PATTERN =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][\dA-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][\dA-Za-z-]*))*))?(?:\+[\dA-Za-z-]+(?:\.[\dA-Za-z-]+)*)?$/;

/** The version's parts, or undefined when it is not a semantic version. */
export function parseSemver(version: string): SemVer | undefined {
  const match = PATTERN.exec(version.trim());
  if (!match) return undefined;
  return {
    core: [Number(match[1]), Number(match[2]), Number(match[3])],
    prerelease: match[4] === undefined ? [] : match[4].split('.'),
  };
}

export function isSemver(version: string): boolean {
  return parseSemver(version) !== undefined;
}

const isNumeric = (identifier: string): boolean => /^\d+$/.test(identifier);

// Numeric identifiers compare as numbers and rank below alphanumeric ones; those compare in ASCII order.
function compareIdentifiers(a: string, b: string): number {
  const [numericA, numericB] = [isNumeric(a), isNumeric(b)];
  if (numericA && numericB) return Number(a) - Number(b);
  if (numericA !== numericB) return numericA ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrerelease(a: string[], b: string[]): number {
  // A release ranks above every prerelease of the same core version.
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const order = compareIdentifiers(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** Negative when a comes before b, zero when they rank the same (build metadata is ignored), positive after. */
export function compareSemver(a: string, b: string): number {
  const [pa, pb] = [parseSemver(a), parseSemver(b)];
  if (!pa || !pb) throw new Error(`Not a semantic version: ${JSON.stringify(pa ? b : a)}`);
  for (let i = 0; i < 3; i += 1) {
    const order = pa.core[i]! - pb.core[i]!;
    if (order !== 0) return Math.sign(order);
  }
  return Math.sign(comparePrerelease(pa.prerelease, pb.prerelease));
}

/** from < version ≤ to: the releases an update from `from` to `to` brings in. */
export function inUpdateRange(version: string, from: string, to: string): boolean {
  return compareSemver(version, from) > 0 && compareSemver(version, to) <= 0;
}
