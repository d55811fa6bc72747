// Property: whatever mix of CRLF, LF, bytes that are not UTF-8 and symbolic links a kernel holds, update never writes
// outside it and never changes a byte of a file it does not report as written.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '../helpers/cli.js';
import { snapshotBytes, toCrlf } from '../helpers/byte-snapshot.js';
import {
  buildTemplateVersions,
  createOldKernel,
  runUpdate,
  type TemplateVersions,
} from '../helpers/template-versions.js';

const RUNS = 30;
const FILES = ['main.py', 'Dockerfile', 'README.md', '.dockerignore', 'pyproject.toml', 'tests/conftest.py'] as const;
const CONTENT_CHANGES = ['none', 'crlf', 'mixed', 'not-utf8', 'edit', 'edit-crlf'] as const;
const LINKS = ['none', 'dir-outside', 'dir-inside', 'file-outside', 'file-inside', 'dangling'] as const;
/** Outcomes that write the file; every other one promises its bytes are untouched. */
const WRITING = new Set(['updated', 'merged', 'conflicted', 'added', 'removed']);

type ContentChange = (typeof CONTENT_CHANGES)[number];
type Link = (typeof LINKS)[number];

const latin1 = (bytes: Buffer) => bytes.toString('latin1');
const fromLatin1 = (text: string) => Buffer.from(text, 'latin1');
let lineCount = 0;
const mixEndings = (bytes: Buffer) =>
  fromLatin1(latin1(bytes).replace(/\n/g, () => (lineCount++ % 2 === 0 ? '\r\n' : '\n')));

function changeContents(kernel: string, path: string, change: ContentChange): void {
  const full = join(kernel, path);
  const bytes = readFileSync(full);
  const edited = fromLatin1(`${latin1(bytes)}# mine\n`);
  const next = {
    none: bytes,
    crlf: toCrlf(bytes),
    mixed: mixEndings(bytes),
    'not-utf8': Buffer.concat([bytes, Buffer.from([0x23, 0x20, 0xe9, 0xff, 0x0a])]),
    edit: edited,
    'edit-crlf': toCrlf(edited),
  }[change];
  writeFileSync(full, next);
}

function addLink(kernel: string, outside: string, link: Link, file: string): boolean {
  const move = (from: string, to: string) => {
    mkdirSync(dirname(to), { recursive: true });
    renameSync(from, to);
  };
  if (link === 'dir-outside') {
    move(join(kernel, 'tests'), join(outside, 'tests'));
    symlinkSync(join(outside, 'tests'), join(kernel, 'tests'));
  } else if (link === 'dir-inside') {
    move(join(kernel, 'tests'), join(kernel, 'vendor', 'tests'));
    symlinkSync(join('vendor', 'tests'), join(kernel, 'tests'));
  } else if (link === 'file-outside') {
    move(join(kernel, file), join(outside, basename(file)));
    symlinkSync(join(outside, basename(file)), join(kernel, file));
  } else if (link === 'file-inside') {
    move(join(kernel, file), join(kernel, 'moved', file));
    symlinkSync(relative(dirname(join(kernel, file)), join(kernel, 'moved', file)), join(kernel, file));
  } else if (link === 'dangling') {
    move(join(kernel, file), join(outside, 'gone'));
    symlinkSync(join(outside, 'missing', basename(file)), join(kernel, file));
  }
  return link === 'dir-outside' || link === 'file-outside' || link === 'dangling';
}

/** Where a write to path (relative to the kernel) lands, relative to the kernel's real directory. */
function landingKey(kernel: string, path: string): string {
  const parent = dirname(join(kernel, path));
  return relative(realpathSync(kernel), join(existsSync(parent) ? realpathSync(parent) : parent, basename(path)));
}

const onlyCrlf = (snapshotEntry: string | undefined) => {
  if (!snapshotEntry?.startsWith('file ')) return false;
  const text = latin1(Buffer.from(snapshotEntry.split(' ')[2]!, 'base64'));
  return text.includes('\r\n') && !/(^|[^\r])\n/.test(text);
};

describe('update boundaries, property', () => {
  let root: string;
  let versions: TemplateVersions;
  let pristine: string;
  beforeAll(async () => {
    root = makeTempDir('cck-update-fuzz-');
    versions = buildTemplateVersions(root);
    pristine = await createOldKernel(versions, root, 'pristine', ['--no-git']);
  });
  afterAll(() => removeDir(root));

  it('never writes outside the kernel and never changes a byte it does not report', async () => {
    let run = 0;
    const scenario = fc.record({
      contents: fc.tuple(...FILES.map(() => fc.constantFrom(...CONTENT_CHANGES))),
      link: fc.constantFrom(...LINKS),
      linkedFile: fc.constantFrom('README.md', 'Dockerfile', 'main.py'),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ contents, link, linkedFile }) => {
        const home = join(root, `run-${run++}`);
        const [kernel, outside] = [join(home, 'kernel'), join(home, 'outside')];
        cpSync(pristine, kernel, { recursive: true, verbatimSymlinks: true });
        mkdirSync(outside, { recursive: true });
        writeFileSync(join(outside, 'unrelated.txt'), "not the kernel's\n");
        for (const [i, path] of FILES.entries()) changeContents(kernel, path, contents[i]!);
        const leavesKernel = addLink(kernel, outside, link, linkedFile);
        const [kernelBefore, outsideBefore] = [snapshotBytes(kernel), snapshotBytes(outside)];

        const update = await runUpdate(versions, kernel, ['--json']);
        expect(snapshotBytes(outside), 'outside the kernel').toEqual(outsideBefore);
        expect(readdirSync(home).sort(), 'nothing left beside the kernel').toEqual(['kernel', 'outside']);
        if (leavesKernel || update.exitCode === 2) {
          expect(update.exitCode, update.stderr).toBe(2);
          expect(snapshotBytes(kernel)).toEqual(kernelBefore);
          return;
        }
        expect([0, 1], update.stderr).toContain(update.exitCode);
        const result = JSON.parse(update.stdout) as {
          files: { path: string; outcome: string; newTemplate?: string }[];
        };
        const written = new Set(
          result.files.filter((f) => WRITING.has(f.outcome)).map((f) => landingKey(kernel, f.path)),
        );
        const beside = new Set(result.files.flatMap((f) => (f.newTemplate ? [landingKey(kernel, f.newTemplate)] : [])));
        const after = snapshotBytes(kernel);
        for (const key of new Set([...Object.keys(kernelBefore), ...Object.keys(after)])) {
          if (key === '.clustera-kernel.json' || beside.has(key)) continue;
          if (!written.has(key)) expect(after[key], `${key} is reported untouched`).toEqual(kernelBefore[key]);
          else if (onlyCrlf(kernelBefore[key]) && after[key] !== undefined)
            expect(onlyCrlf(after[key]), `${key} stays CRLF`).toBe(true);
        }
        for (const key of beside) expect(after[key], `${key} is written beside`).toMatch(/^file /);
      }),
      { numRuns: RUNS },
    );
  }, 300_000);
});
