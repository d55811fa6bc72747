// test-run of a kernel with a schema: the kernel itself checks the samples and encodes them (JSON or Avro), and makes
// the --invalid values, so what is produced is judged by the very model the running kernel validates with.
import { execa } from 'execa';
import { UsageError, FailureError } from '../errors.js';

export interface SchemaValues {
  valid: Buffer[];
  /** Values that break the schema, each with the dlq.schema.failure reason the kernel must give. */
  invalid: { value: Buffer; reason: string }[];
}

const EXIT_BAD_SAMPLE = 2;

/** A sample that breaks the schema: bad input, so test-run exits 2 (other failures of a run exit 1, as before). */
export class SampleRejected extends UsageError {}

export async function schemaValues(kernelDir: string, invalid: number, env: NodeJS.ProcessEnv): Promise<SchemaValues> {
  const args = ['run', '--no-sync', 'python', '-m', 'kernel_runtime.test_run_values', '--invalid', String(invalid)];
  const run = await execa('uv', args, { cwd: kernelDir, env, reject: false, stdin: 'ignore' });
  const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';
  if (run.exitCode === EXIT_BAD_SAMPLE) throw new SampleRejected(`${lastLine(run.stderr)}; nothing was produced.`);
  if (run.exitCode !== 0)
    throw new FailureError(`The kernel could not prepare its sample values: ${lastLine(run.stderr) || run.exitCode}.`);
  const values: SchemaValues = { valid: [], invalid: [] };
  for (const line of run.stdout.split('\n').filter((l) => l.trim() !== '')) {
    const { value, expect } = JSON.parse(line) as { value: string; expect: string };
    const bytes = Buffer.from(value, 'base64');
    if (expect === 'valid') values.valid.push(bytes);
    else values.invalid.push({ value: bytes, reason: expect });
  }
  return values;
}
