// Is the target safe to write into? Empty or missing is; non-empty needs --force and no clashing file.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { Plan } from '../render/plan.js';

export type TargetState = 'missing' | 'empty' | 'non-empty';

export function inspectTarget(targetDir: string): TargetState {
  if (!existsSync(targetDir)) return 'missing';
  if (!statSync(targetDir).isDirectory()) {
    throw new UsageError(`${JSON.stringify(targetDir)} exists and is not a directory; choose another target.`);
  }
  return readdirSync(targetDir).length === 0 ? 'empty' : 'non-empty';
}

/** Files of the plan that already exist in the target. */
export function clashingFiles(plan: Plan, targetDir: string): string[] {
  return plan.files.map((file) => file.path).filter((path) => existsSync(join(targetDir, path)));
}

function notEmptyMessage(targetDir: string): string {
  return `Directory ${JSON.stringify(targetDir)} is not empty; choose another or pass --force to add the kernel beside its files.`;
}

/** Why a kernel cannot go into targetDir without --force, checked as soon as the directory is known. */
export function unusableTargetProblem(targetDir: string): string | undefined {
  try {
    return inspectTarget(targetDir) === 'non-empty' ? notEmptyMessage(targetDir) : undefined;
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}

export function assertTargetWritable(plan: Plan, targetDir: string, force: boolean): TargetState {
  const state = inspectTarget(targetDir);
  if (state !== 'non-empty') return state;
  if (!force) throw new UsageError(notEmptyMessage(targetDir));
  const clashes = clashingFiles(plan, targetDir);
  if (clashes.length > 0) {
    throw new UsageError(`Refusing to replace existing files in ${JSON.stringify(targetDir)}: ${clashes.join(', ')}.`);
  }
  return state;
}
