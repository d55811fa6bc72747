// create --schema: the model is generated once by the kernel's own script, in a throwaway uv environment, before any write.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FailureError } from '../errors.js';
import type { PlannedFile, Plan } from '../render/plan.js';
import { ANSWER_MODEL_PATH, MODEL_PATH, SAMPLES_PATH } from '../schema-formats.js';
import { GENERATOR_SCRIPT, generateModelArgs } from './generate-model-command.js';
import { runProcess } from './run-process.js';
import type { SchemaSource } from './schema-file.js';

// The script formats its output with the kernel's ruff settings, so it needs the kernel's pyproject.toml.
const FILES_THE_SCRIPT_READS = [GENERATOR_SCRIPT, 'pyproject.toml', '.python-version'];

/** The schema files, the models and samples generated from them: kernel-owned files, outside the manifest's rendered set. */
export async function generateModel(
  plan: Plan,
  source: SchemaSource | undefined,
  env: NodeJS.ProcessEnv,
  answerSource?: SchemaSource,
): Promise<PlannedFile[]> {
  const work = mkdtempSync(join(tmpdir(), 'clustera-model-'));
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  // Ctrl-C ends the process without reaching the finally below; the exit hook still removes the directory.
  process.once('exit', removeWork);
  const sources = [source, answerSource].filter((s): s is SchemaSource => s !== undefined);
  try {
    for (const file of plan.files.filter((f) => FILES_THE_SCRIPT_READS.includes(f.path)))
      writeInto(work, file.path, file.contents);
    for (const schema of sources) writeInto(work, schema.kernelPath, schema.contents);
    const run = await runProcess('uv', generateModelArgs(sources), work, env);
    if (!run.ok) {
      const lastLine = (run.outputTail ?? '').trim().split('\n').at(-1) ?? '';
      const from = sources.map((s) => s.kernelPath).join(' and ');
      throw new FailureError(
        `Could not generate the model from ${from} (${lastLine || `exit ${run.exitCode}`}); nothing was written. Check the schema, or that uv can reach its package index.`,
      );
    }
    // Samples come from the message schema; without one the kind's samples stay.
    const generated = [...(source ? [MODEL_PATH, SAMPLES_PATH] : []), ...(answerSource ? [ANSWER_MODEL_PATH] : [])];
    return [
      ...sources.map((schema) => ({ path: schema.kernelPath, contents: schema.contents, executable: false })),
      ...generated.map((path) => ({ path, contents: readFileSync(join(work, path), 'utf8'), executable: false })),
    ];
  } finally {
    process.off('exit', removeWork);
    removeWork();
  }
}

function writeInto(root: string, path: string, contents: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), contents);
}
