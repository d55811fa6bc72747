// The real @clack/prompts questions, driven through mock streams instead of a terminal.
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import { createClackPrompter } from '../../src/output/prompter.js';
import { resolveCreateInputs } from '../../src/create/resolve-inputs.js';

class CapturedOutput extends Writable {
  text = '';
  columns = 80;
  rows = 40;
  isTTY = false;
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const ENTER = '\r';
const DOWN = '\u001b[B';
const CTRL_C = '\u0003';

/** Types each keystroke once the prompt before it has had time to render. */
function typeKeys(input: PassThrough, keys: string[]): void {
  let delay = 0;
  for (const key of keys) {
    delay += 30;
    setTimeout(() => input.write(key), delay);
  }
}

describe('clack prompter on mock streams', () => {
  it('walks the whole create flow with typed answers', async () => {
    const input = new PassThrough();
    const output = new CapturedOutput();
    const prompter = createClackPrompter({ input, output });
    // directory (a valid name, so the name is not asked), topic, kind (second choice = database), schema (none), install? (No)
    typeKeys(input, [...'sink', ENTER, ...'orders', ENTER, DOWN, ENTER, ENTER, DOWN, ENTER]);
    const inputs = await resolveCreateInputs(undefined, {}, {}, prompter);
    expect(inputs.answers).toEqual({ name: 'sink', topic: 'orders', kind: 'database', group: 'sink-group' });
    expect(inputs.install).toBe(false);
    expect(output.text).toContain('What kind of kernel?');
  });

  it('re-asks when the typed name is invalid', async () => {
    const input = new PassThrough();
    const output = new CapturedOutput();
    const prompter = createClackPrompter({ input, output });
    typeKeys(input, [...'Bad_Name', ENTER, ...Array(8).fill('\u007f'), ...'good-name', ENTER]);
    const name = await prompter.text({
      message: 'Kernel name',
      defaultValue: 'x',
      validate: (v) => (v === 'good-name' ? undefined : 'must be kebab-case'),
    });
    expect(name).toBe('good-name');
    expect(output.text).toContain('must be kebab-case');
  });

  it('does not accept an invalid default by pressing Enter', async () => {
    const input = new PassThrough();
    const output = new CapturedOutput();
    const prompter = createClackPrompter({ input, output });
    typeKeys(input, [ENTER, ...'fine-name', ENTER]);
    const validate = (v: string) => (/^[a-z-]+$/.test(v) ? undefined : 'must be kebab-case');
    const name = await prompter.text({ message: 'Kernel name', defaultValue: 'x; touch PWNED #', validate });
    expect(name).toBe('fine-name');
    expect(output.text).toContain('must be kebab-case');
  });

  it('turns Ctrl-C into a cancellation, not an answer', async () => {
    const input = new PassThrough();
    const prompter = createClackPrompter({ input, output: new CapturedOutput() });
    typeKeys(input, [CTRL_C]);
    await expect(prompter.confirm({ message: 'Install?', initialValue: true })).rejects.toBeInstanceOf(CancelledError);
  });
});
