// Just enough of PEP 440 to compare the runtime versions kernels lock and the ranges they require: release numbers,
// pre-releases below their release, and the comparison operators a requirement uses (`>=0.3,<0.4`, `~=0.3.1`, `==0.3.*`).

interface Version {
  release: number[];
  /** A pre- or development release (0.4.0rc1, 0.4.0.dev2): below the release it leads to. */
  pre: boolean;
}

interface Specifier {
  op: string;
  version: Version;
  /** `==0.3.*`, `!=0.3.*`: the release is a prefix. */
  wildcard: boolean;
}

/** A version's release numbers, or undefined when the text is not a version. */
function parseVersion(text: string): Version | undefined {
  const match =
    /^\s*v?(\d+(?:\.\d+)*)((?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview|dev)\d*)*)?(?:[-_.]?post\d*)?(?:\+\S*)?\s*$/i.exec(
      text,
    );
  if (!match) return undefined;
  return { release: match[1]!.split('.').map(Number), pre: Boolean(match[2]) };
}

function compareRelease(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

function compare(a: Version, b: Version): number {
  return compareRelease(a.release, b.release) || Number(b.pre) - Number(a.pre);
}

function parseSpecifiers(range: string): Specifier[] | undefined {
  const specifiers: Specifier[] = [];
  for (const part of range.split(',')) {
    if (part.trim() === '') continue;
    const match = /^\s*(===|~=|==|!=|<=|>=|<|>)\s*([^\s*]+?)(\.\*)?\s*$/.exec(part);
    const version = match && parseVersion(match[2]!);
    if (!match || !version) return undefined;
    specifiers.push({ op: match[1]!, version, wildcard: match[3] !== undefined });
  }
  return specifiers.length > 0 ? specifiers : undefined;
}

function hasPrefix(version: Version, prefix: number[]): boolean {
  return prefix.every((number, i) => (version.release[i] ?? 0) === number);
}

function admits(spec: Specifier, version: Version): boolean {
  const order = compare(version, spec.version);
  switch (spec.op) {
    case '==':
    case '===':
      return spec.wildcard ? hasPrefix(version, spec.version.release) : order === 0;
    case '!=':
      return spec.wildcard ? !hasPrefix(version, spec.version.release) : order !== 0;
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    // `<0.4` admits no pre-release of 0.4 itself.
    case '<':
      return (
        order < 0 && !(version.pre && !spec.version.pre && compareRelease(version.release, spec.version.release) === 0)
      );
    case '~=':
      return order >= 0 && hasPrefix(version, spec.version.release.slice(0, -1));
    default:
      return false;
  }
}

/** Whether `version` is in `range` (PEP 440 specifiers joined by commas); false when either cannot be read. */
export function versionSatisfies(version: string, range: string): boolean {
  const parsed = parseVersion(version);
  const specifiers = parseSpecifiers(range);
  if (parsed === undefined) return false;
  return specifiers?.every((spec) => admits(spec, parsed)) ?? false;
}

interface Bound {
  version: Version;
  inclusive: boolean;
}

/** The lowest and highest versions a range admits, as far as its specifiers bound it. */
function bounds(specifiers: Specifier[]): { lower?: Bound; upper?: Bound } {
  let lower: Bound | undefined;
  let upper: Bound | undefined;
  const raise = (bound: Bound) => {
    if (!lower || compare(bound.version, lower.version) > 0) lower = bound;
  };
  const cap = (bound: Bound) => {
    if (!upper || compare(bound.version, upper.version) < 0) upper = bound;
  };
  /** The release after a prefix: 0.3 → 0.4. */
  const next = (release: number[]): Version => ({
    release: [...release.slice(0, -1), (release.at(-1) ?? 0) + 1],
    pre: true,
  });
  for (const spec of specifiers) {
    const { version } = spec;
    if (spec.op === '>=' || spec.op === '>') raise({ version, inclusive: spec.op === '>=' });
    else if (spec.op === '<' || spec.op === '<=') cap({ version, inclusive: spec.op === '<=' });
    else if ((spec.op === '==' || spec.op === '===') && !spec.wildcard) {
      raise({ version, inclusive: true });
      cap({ version, inclusive: true });
    } else if (spec.op === '==' && spec.wildcard) {
      raise({ version: { release: version.release, pre: false }, inclusive: true });
      cap({ version: next(version.release), inclusive: false });
    } else if (spec.op === '~=' && version.release.length > 1) {
      raise({ version, inclusive: true });
      cap({ version: next(version.release.slice(0, -1)), inclusive: false });
    }
  }
  return { lower, upper };
}

/**
 * Whether every version `range` admits is in `within`: `>=0.3,<0.4` and `~=0.3.1` are within `>=0.3,<0.4`;
 * `>=0.2,<0.3`, `>=0.3` (no upper bound) and `>=0.3,<0.5` are not. False when either cannot be read.
 */
export function rangeWithin(range: string, within: string): boolean {
  const inner = parseSpecifiers(range);
  const outer = parseSpecifiers(within);
  if (!inner || !outer) return false;
  const a = bounds(inner);
  const b = bounds(outer);
  if (!a.lower || !a.upper) return false;
  const lowerOk =
    !b.lower ||
    compare(a.lower.version, b.lower.version) > 0 ||
    (compare(a.lower.version, b.lower.version) === 0 && (b.lower.inclusive || !a.lower.inclusive));
  const upperOk =
    !b.upper ||
    compare(a.upper.version, b.upper.version) < 0 ||
    (compare(a.upper.version, b.upper.version) === 0 && (b.upper.inclusive || !a.upper.inclusive));
  return lowerOk && upperOk;
}
