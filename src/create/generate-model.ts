// create --schema: the model is generated once by the kernel's own script, in a throwaway uv environment, before any write.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FailureError } from '../errors.js';
import type { PlannedFile, Plan } from '../render/plan.js';
import { MODEL_PATH, SAMPLES_PATH } from '../schema-formats.js';
import { GENERATOR_SCRIPT, generateModelArgs } from './generate-model-command.js';
import { runProcess } from './run-process.js';
import type { SchemaSource } from './schema-file.js';

// The script formats its output with the kernel's ruff settings, so it needs the kernel's pyproject.toml.
const FILES_THE_SCRIPT_READS = [GENERATOR_SCRIPT, 'pyproject.toml', '.python-version'];

/** The schema file, the model and samples generated from it: kernel-owned files, outside the manifest's rendered set. */
export async function generateModel(plan: Plan, source: SchemaSource, env: NodeJS.ProcessEnv): Promise<PlannedFile[]> {
  const work = mkdtempSync(join(tmpdir(), 'clustera-model-'));
  try {
    for (const file of plan.files.filter((f) => FILES_THE_SCRIPT_READS.includes(f.path)))
      writeInto(work, file.path, file.contents);
    writeInto(work, source.kernelPath, source.contents);
    const run = await runProcess('uv', generateModelArgs(source), work, env);
    if (!run.ok) {
      const lastLine = (run.outputTail ?? '').trim().split('\n').at(-1) ?? '';
      throw new FailureError(
        `Could not generate the model from ${source.kernelPath} (${lastLine || `exit ${run.exitCode}`}); nothing was written. Check the schema, or that uv can reach its package index.`,
      );
    }
    return [
      { path: source.kernelPath, contents: source.contents, executable: false },
      { path: MODEL_PATH, contents: readFileSync(join(work, MODEL_PATH), 'utf8'), executable: false },
      { path: SAMPLES_PATH, contents: readFileSync(join(work, SAMPLES_PATH), 'utf8'), executable: false },
    ];
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function writeInto(root: string, path: string, contents: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), contents);
}
