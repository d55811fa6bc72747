// The one place that decides whether a file's bytes are text update may merge: valid UTF-8, or left alone.
import { lineEndingOf, toLf, type LineEnding } from './line-endings.js';

export interface TextContents {
  /** Exactly as on disk: valid UTF-8 decodes and encodes back to the same bytes. */
  raw: string;
  /** With every CRLF as LF, the form merges and comparisons use. */
  lf: string;
  lineEnding: LineEnding | undefined;
}

// fatal: a replacement character would change bytes the user wrote; ignoreBOM: a BOM is kept as it is.
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The file as text, or undefined when its bytes are not UTF-8 and must never be decoded and re-encoded. */
export function readText(bytes: Uint8Array): TextContents | undefined {
  let raw: string;
  try {
    raw = STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
  return { raw, lf: toLf(raw), lineEnding: lineEndingOf(raw) };
}
