// A first commit for the new kernel, unless it already lives inside someone's git work tree.
import { execa } from 'execa';
import { runProcess, type ProcessRun } from './create/run-process.js';

export async function isInsideWorkTree(dir: string): Promise<boolean> {
  const result = await execa('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, reject: false });
  return result.exitCode === 0 && result.stdout.trim() === 'true';
}

async function hasIdentity(dir: string): Promise<boolean> {
  const result = await execa('git', ['config', 'user.email'], { cwd: dir, reject: false });
  return result.exitCode === 0 && result.stdout.trim() !== '';
}

export async function initGitRepository(kernelDir: string, message: string): Promise<ProcessRun[]> {
  // Without a configured identity `git commit` fails; a neutral one keeps the first commit possible.
  const identity = (await hasIdentity(kernelDir))
    ? []
    : ['-c', 'user.name=create-clustera-kernel', '-c', 'user.email=create-clustera-kernel@localhost'];
  const runs: ProcessRun[] = [];
  for (const args of [
    ['init', '--quiet'],
    ['add', '--all'],
    [...identity, 'commit', '--quiet', '--no-verify', '-m', message],
  ]) {
    const run = await runProcess('git', args, kernelDir);
    runs.push(run);
    if (!run.ok) break;
  }
  return runs;
}

export interface UncommittedPath {
  /** Relative to dir. */
  path: string;
  /** Not in git at all, as opposed to changed, staged or deleted. */
  untracked: boolean;
}

/** Files under dir that differ from HEAD or are untracked (ignored ones do not count). */
export async function uncommittedPaths(dir: string): Promise<UncommittedPath[]> {
  const result = await execa('git', ['status', '--porcelain', '--untracked-files=all', '--', '.'], {
    cwd: dir,
    reject: false,
  });
  if (result.exitCode !== 0) return [];
  // Porcelain paths start at the repository's root; the kernel may be a subdirectory of it.
  const prefix = (await execa('git', ['rev-parse', '--show-prefix'], { cwd: dir, reject: false })).stdout.trim();
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const path = line.slice(3);
      return { path: path.startsWith(prefix) ? path.slice(prefix.length) : path, untracked: line.startsWith('??') };
    });
}

/** Contents of many `<rev>:<path>` objects in one git process; missing ones are left out. */
export async function readGitBlobs(dir: string, specs: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (specs.length === 0) return found;
  const result = await execa('git', ['cat-file', '--batch'], {
    cwd: dir,
    reject: false,
    input: `${specs.join('\n')}\n`,
    encoding: 'buffer',
    stripFinalNewline: false,
  });
  if (result.exitCode !== 0) return found;
  const out = Buffer.from(result.stdout);
  let offset = 0;
  for (const spec of specs) {
    const headerEnd = out.indexOf(10, offset);
    if (headerEnd < 0) break;
    const header = out.subarray(offset, headerEnd).toString('utf8').split(' ');
    offset = headerEnd + 1;
    if (header.length !== 3) continue;
    const size = Number(header[2]);
    if (header[1] === 'blob') found.set(spec, out.subarray(offset, offset + size).toString('utf8'));
    offset += size + 1;
  }
  return found;
}

/** Recent commits that changed the manifest in dir, newest first: each holds a render next to it. */
export async function commitsChanging(dir: string, path: string, limit = 20): Promise<string[]> {
  const result = await execa('git', ['log', `-n${limit}`, '--format=%H', '--', path], { cwd: dir, reject: false });
  return result.exitCode === 0 ? result.stdout.split('\n').filter(Boolean) : [];
}

/** Where the pristine render of a kernel is kept, outside every branch. */
export function baseRefName(kernelName: string): string {
  return `refs/clustera/base/${kernelName}`;
}

/** Stores files (kernel-relative paths) as a commit under ref, without touching the index, a branch or the work tree. */
export async function recordBaseRef(
  dir: string,
  ref: string,
  files: { path: string; contents: string; executable: boolean }[],
  message: string,
): Promise<boolean> {
  const chunks: Buffer[] = [];
  const data = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    chunks.push(Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n'));
  };
  chunks.push(
    Buffer.from(
      `commit ${ref}\ncommitter create-clustera-kernel <create-clustera-kernel@localhost> ${Math.floor(Date.now() / 1000)} +0000\n`,
    ),
  );
  data(message);
  chunks.push(Buffer.from('deleteall\n'));
  for (const file of files) {
    chunks.push(
      Buffer.from(`M ${file.executable ? '100755' : '100644'} inline "${file.path.replace(/["\\]/g, '\\$&')}"\n`),
    );
    data(file.contents);
  }
  const result = await execa('git', ['fast-import', '--quiet', '--force'], {
    cwd: dir,
    reject: false,
    input: Buffer.concat(chunks),
  });
  return result.exitCode === 0;
}
