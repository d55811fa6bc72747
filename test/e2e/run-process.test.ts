// A step that is another program (uv sync, git, uv lock): how its end reads to create and update.
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../src/create/run-process.js';
import { CancelledError } from '../../src/errors.js';
import { setResumeHint } from '../../src/output/interrupt.js';

describe('runProcess', () => {
  it('reports a failing program as a result, with the tail of its output', async () => {
    const run = await runProcess('sh', ['-c', 'echo broken >&2; exit 3'], tmpdir());
    expect(run).toMatchObject({ ok: false, exitCode: 3, outputTail: 'broken' });
  });

  it('turns a program ended by Ctrl-C into a cancel that says how to resume, whichever process the signal ended first', async () => {
    setResumeHint('To finish: cd kernel && uv sync');
    try {
      const run = runProcess('sh', ['-c', 'kill -INT $$'], tmpdir());
      await expect(run).rejects.toThrow(CancelledError);
      await expect(runProcess('sh', ['-c', 'kill -INT $$'], tmpdir())).rejects.toThrow(
        /Cancelled\. To finish: cd kernel && uv sync/,
      );
    } finally {
      setResumeHint(undefined);
    }
  });
});
