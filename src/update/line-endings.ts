// Merges compare lines ending in LF; each file is written back in the style it had on disk.
export type LineEnding = '\n' | '\r\n';

/** The ending most of the file's lines use (LF on a tie); undefined when it has no line ending at all. */
export function lineEndingOf(text: string): LineEnding | undefined {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const lf = (text.match(/\n/g)?.length ?? 0) - crlf;
  if (crlf + lf === 0) return undefined;
  return crlf > lf ? '\r\n' : '\n';
}

export function toLf(text: string): string {
  return text.replaceAll('\r\n', '\n');
}

/** text must end its lines in LF (see toLf). */
export function withLineEnding(text: string, ending: LineEnding): string {
  return ending === '\r\n' ? text.replaceAll('\n', '\r\n') : text;
}
