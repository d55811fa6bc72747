// What checking one producer's schema against one consumer's yields: the verdict and, when it fails, the evidence.

export interface FailingInstance {
  /** 0-based position among the generated instances; with the same seed it is generated again. */
  index: number;
  /** The instance itself; the table shows it shortened (shortJson), --json whole. */
  instance: unknown;
  /** Dotted path of the field the consumer refused (`total.currency`); `(value)` for the value itself. */
  field: string;
  message: string;
}

export type PairVerdict =
  | { result: 'compatible'; instances: number }
  | { result: 'incompatible'; instances: number; reason: string; failure?: FailingInstance };

export const INSTANCE_TEXT_MAX = 160;

/** JSON on one line, cut with an ellipsis past INSTANCE_TEXT_MAX characters. */
export function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length <= INSTANCE_TEXT_MAX ? text : `${text.slice(0, INSTANCE_TEXT_MAX - 1)}…`;
}

/** Path segments as one dotted field name; the empty path is the value itself. */
export function fieldName(segments: readonly string[]): string {
  return segments.length === 0 ? '(value)' : segments.join('.');
}
