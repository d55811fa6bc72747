// test-run in a real terminal (a pseudo-terminal from util-linux `script`): Ctrl-C typed at the keyboard, not a
// signal sent to the CLI alone, must still stop the kernel, delete the test topics and exit 130.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, removeDir } from '../helpers/cli.js';
import { requireInfra, sharedInfra } from '../setup/infra.js';
import { kafkaClient } from './harness/kafka.js';
import { generateAndInstallKernel, type KernelProject } from './harness/kernel-project.js';
import { cleanEnv, copyKernel, groupExists, topicExists } from './harness/test-run.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: an ANSI escape starts with the ESC control character
const stripAnsi = (text: string): string => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`;

/** Runs the CLI on a terminal, types Ctrl-C once `when` shows on screen, and returns the exit code and the screen text. */
function typeCtrlCWhen(
  args: string[],
  cwd: string,
  when: RegExp,
): Promise<{ exitCode: number | null; screen: string }> {
  const command = `stty cols 120 rows 40; exec ${[process.execPath, CLI_BIN, ...args].map(quote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd,
    env: { ...process.env, ...cleanEnv(), NO_COLOR: '1' },
  });
  let screen = '';
  let typed = false;
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    if (!typed && when.test(stripAnsi(screen))) {
      typed = true;
      child.stdin.write('\x03');
    }
  });
  return new Promise((resolve) => child.on('close', (exitCode) => resolve({ exitCode, screen: stripAnsi(screen) })));
}

describe.skipIf(!sharedInfra())('test-run on a terminal', () => {
  let project: KernelProject;

  beforeAll(async () => {
    project = await generateAndInstallKernel('basic');
  });
  afterAll(() => {
    if (project) removeDir(project.root);
  });

  it('Ctrl-C while the kernel runs exits 130 and deletes the test topics and group', async () => {
    const infra = requireInfra();
    const dir = copyKernel(project.dir, join(project.root, 'slow'));
    const main = join(dir, 'main.py');
    const marker = '    if message.value is None:';
    writeFileSync(main, readFileSync(main, 'utf8').replace(marker, `    __import__("time").sleep(0.5)\n${marker}`));
    const run = await typeCtrlCWhen(
      ['test-run', dir, '--messages', '200', '--bootstrap-server', infra.kafka.bootstrapServers],
      dir,
      /Running the kernel on \S+\.testrun\.[0-9a-f]{8}/,
    );
    expect(run.exitCode, run.screen).toBe(130);
    expect(run.screen).toContain('Cancelled: stopping the kernel and cleaning up.');
    const topic = /Running the kernel on (\S+\.testrun\.[0-9a-f]{8})/.exec(run.screen)?.[1] ?? '';
    const kafka = kafkaClient(infra.kafka.bootstrapServers);
    expect(await topicExists(kafka, topic), 'test topic deleted').toBe(false);
    expect(await topicExists(kafka, `${topic}.dlq`), 'dead-letter topic deleted').toBe(false);
    expect(
      await groupExists(kafka, `${project.name}-group.testrun.${topic.split('.').at(-1)}`),
      'test group deleted',
    ).toBe(false);
  });
});
