// Each bench script owns one section of bench/RESULTS.md, between its markers, and rewrites only that.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS = process.env.BENCH_RESULTS || join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
const HEADER =
  '# Benchmark results\n\nEach section is rewritten by the script named in it. See the README for how to run them.\n';

/** Replaces the section's text in RESULTS (or appends the section), leaving every other section as it was. */
export function writeSection(section, body) {
  const start = `<!-- bench:${section}:start -->`;
  const end = `<!-- bench:${section}:end -->`;
  const text = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : HEADER;
  const block = `${start}\n${body}\n${end}`;
  const next = text.includes(start)
    ? text.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block)
    : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(RESULTS, next);
}
