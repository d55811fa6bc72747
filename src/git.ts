// A first commit for the new kernel, unless it already lives inside someone's git work tree.
import { execa } from 'execa';
import { runCommand, type CommandRun } from './install.js';

export async function isInsideWorkTree(dir: string): Promise<boolean> {
  const result = await execa('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, reject: false });
  return result.exitCode === 0 && result.stdout.trim() === 'true';
}

async function hasIdentity(dir: string): Promise<boolean> {
  const result = await execa('git', ['config', 'user.email'], { cwd: dir, reject: false });
  return result.exitCode === 0 && result.stdout.trim() !== '';
}

export async function initGitRepository(kernelDir: string, message: string): Promise<CommandRun[]> {
  // Without a configured identity `git commit` fails; a neutral one keeps the first commit possible.
  const identity = (await hasIdentity(kernelDir))
    ? []
    : ['-c', 'user.name=create-clustera-kernel', '-c', 'user.email=create-clustera-kernel@localhost'];
  const runs: CommandRun[] = [];
  for (const args of [['init', '--quiet'], ['add', '--all'], [...identity, 'commit', '--quiet', '--no-verify', '-m', message]]) {
    const run = await runCommand('git', args, kernelDir);
    runs.push(run);
    if (!run.ok) break;
  }
  return runs;
}
