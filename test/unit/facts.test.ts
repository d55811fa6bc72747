// The CLI and the templates hold to facts.json, as the runtime does (runtime/tests/test_facts.py): the kinds' variables
// as their modules read them, and metric and header names only through the facts.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ANSWER_HEADERS,
  DEAD_LETTER_HEADERS,
  metricSeries,
  ORIGIN_HEADERS,
  PER_KIND_ENV,
  REPLAY_HEADERS,
  RUNTIME_ENV,
} from '../../src/facts.js';
import { KINDS } from '../../src/kinds.js';
import { REPO_ROOT } from '../helpers/cli.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** `env.integer("NAME", 8, ...)` and the like in a kind's own modules (not its tests): each name and literal default. */
function envReads(kind: string): Map<string, string | undefined> {
  const reads = new Map<string, string | undefined>();
  const modules = filesUnder(join(REPO_ROOT, 'templates', 'kinds', kind)).filter(
    (file) => /\.py(\.hbs)?$/.test(file) && !relative(REPO_ROOT, file).includes('/tests/'),
  );
  for (const file of modules) {
    const source = readFileSync(file, 'utf8');
    const constants = new Map([...source.matchAll(/^([A-Z_]+) = (\S+)$/gm)].map(([, name, value]) => [name, value]));
    for (const [, name, argument] of source.matchAll(/\benv\.[a-z]+\("([A-Z0-9_]+)"(?:, ([^,)]+))?/g)) {
      // A keyword (required=True) is no default.
      const value =
        argument === undefined || argument.includes('=') ? undefined : (constants.get(argument) ?? argument);
      reads.set(name!, value?.replace(/^"(.*)"$/, '$1'));
    }
  }
  return reads;
}

/** A Python literal as .env writes it: 45.0 is 45. */
const asEnvText = (value: string) => (/^\d+\.0$/.test(value) ? value.slice(0, -2) : value);

describe("the kinds' variables", () => {
  it.each(KINDS.map((kind) => [kind.name, kind] as const))(
    'are what the %s kind reads, with the same defaults',
    (_name, kind) => {
      const reads = envReads(kind.name);
      const declared = kind.env.filter((variable) => !PER_KIND_ENV.includes(variable.name));
      expect([...reads.keys()].sort()).toEqual(declared.map((variable) => variable.name).sort());
      for (const variable of declared) {
        const read = reads.get(variable.name);
        if (read !== undefined) expect(asEnvText(read), variable.name).toBe(variable.example);
      }
    },
  );

  it('include every variable whose default the runtime leaves to the kind', () => {
    for (const kind of KINDS)
      expect(kind.env.map((variable) => variable.name)).toEqual(expect.arrayContaining([...PER_KIND_ENV]));
  });

  it('never repeat one of the runtime', () => {
    const runtime = new Set(RUNTIME_ENV.map((variable) => variable.name));
    for (const kind of KINDS) expect(kind.env.filter((variable) => runtime.has(variable.name))).toEqual([]);
  });
});

describe('metric and header names', () => {
  const templates = filesUnder(join(REPO_ROOT, 'templates')).filter((file) => file.endsWith('.hbs'));
  const sources = filesUnder(join(REPO_ROOT, 'src')).filter((file) => file.endsWith('.ts'));

  it('reach the templates only through the context, each a declared family', () => {
    const families = new Set(Object.keys(metricSeries()));
    for (const file of templates) {
      const text = readFileSync(file, 'utf8');
      expect(text, relative(REPO_ROOT, file)).not.toMatch(/clustera_kernel_/);
      for (const [, family] of text.matchAll(/\{\{metrics\.([a-z_]+)\}\}/g)) expect(families).toContain(family);
    }
  });

  it('are not written out in the CLI', () => {
    const headers = [DEAD_LETTER_HEADERS, ORIGIN_HEADERS, REPLAY_HEADERS].flatMap((names) => Object.values(names));
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      expect(text, relative(REPO_ROOT, file)).not.toMatch(/['"`]clustera_kernel_/);
      for (const header of headers) expect(text, relative(REPO_ROOT, file)).not.toContain(`'${header}'`);
    }
  });

  it("that the templates write out (docs, the kernels' tests) are declared headers", () => {
    const declared = new Set(
      [DEAD_LETTER_HEADERS, ORIGIN_HEADERS, REPLAY_HEADERS, ANSWER_HEADERS].flatMap((names) => Object.values(names)),
    );
    const named = filesUnder(join(REPO_ROOT, 'templates')).flatMap((file) => [
      ...[...readFileSync(file, 'utf8').matchAll(/[`"]((?:dlq|origin|replay)\.[a-z.]+?)[`"]/g)].map(
        (match) => match[1]!,
      ),
      ...[...readFileSync(file, 'utf8').matchAll(/\.header\("([a-z.]+)"\)/g)].map((match) => match[1]!),
    ]);
    expect(named.length).toBeGreaterThan(0);
    expect([...new Set(named)].filter((name) => !declared.has(name))).toEqual([]);
  });

  it('give a counter its _total series and a gauge or histogram its own name', () => {
    expect(metricSeries()).toMatchObject({
      messages: 'clustera_kernel_messages_total',
      circuit_opened: 'clustera_kernel_circuit_opened_total',
      circuit_open: 'clustera_kernel_circuit_open',
      processing_seconds: 'clustera_kernel_processing_seconds',
    });
  });
});
