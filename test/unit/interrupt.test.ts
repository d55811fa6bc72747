// The one Ctrl-C handler: ignored while a write commits, cleanup awaited before exit 130, the --json object last.
import { afterEach, describe, expect, it, vi } from 'vitest';

const written = vi.hoisted(() => ({ stdout: [] as string[], stderr: [] as string[] }));
vi.mock('../../src/output/direct-output.js', () => ({
  stdout: () => ({ write: (text: string) => written.stdout.push(text) }),
  stderr: () => ({ write: (text: string) => written.stderr.push(text) }),
}));

const { handleInterrupt } = await import('../../src/output/interrupt.js');

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('handleInterrupt', () => {
  let stop: (() => void) | undefined;
  afterEach(() => {
    stop?.();
    vi.restoreAllMocks();
    written.stdout.length = 0;
    written.stderr.length = 0;
  });

  it('ignores Ctrl-C while committing, then prints the message and exits 130', async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    let committing = true;
    stop = handleInterrupt({ command: 'update', message: () => 'stopped\n', committing: () => committing });
    process.emit('SIGINT');
    await settle();
    expect(exit).not.toHaveBeenCalled();
    expect(written.stderr).toEqual([]);
    committing = false;
    process.emit('SIGINT');
    await settle();
    expect(written.stderr).toEqual(['stopped\n']);
    expect(exit).toHaveBeenCalledWith(130);
    expect(written.stdout).toEqual([]);
  });

  it('ends the spinner first, awaits the cleanup once, and prints the --json failure before exiting', async () => {
    const order: string[] = [];
    const exit = vi
      .spyOn(process, 'exit')
      .mockImplementation(((code: number) => void order.push(`exit ${code}`)) as never);
    let finishCleanup: () => void = () => undefined;
    const cleanUp = vi.fn(() => new Promise<void>((resolve) => (finishCleanup = resolve)));
    stop = handleInterrupt({
      command: 'test-run',
      json: true,
      message: () => {
        order.push('message');
        return 'cleaning up\n';
      },
      stopDrawing: () => void order.push('spinner ended'),
      cleanUp,
      signals: ['SIGINT', 'SIGTERM'],
    });
    process.emit('SIGTERM');
    process.emit('SIGINT');
    await settle();
    expect(cleanUp).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
    finishCleanup();
    await settle();
    expect(order).toEqual(['spinner ended', 'message', 'exit 130']);
    expect(JSON.parse(written.stdout.join(''))).toEqual({
      ok: false,
      command: 'test-run',
      error: 'Cancelled.',
      exitCode: 130,
    });
  });

  it('leaves no listener behind once removed', () => {
    const before = process.listenerCount('SIGINT');
    handleInterrupt({ command: 'check', message: () => '' })();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
