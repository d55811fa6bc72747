// The validated inputs of a kernel: everything a render depends on besides the templates.
import type { AnswersFileFlagValues } from './create-flags.js';
import type { KindName } from '../kinds.js';

export interface Answers {
  name: string;
  topic: string;
  kind: KindName;
  group: string;
  /** The kernel's schema file, relative to its root (`schemas/order.json`); absent when messages are untyped. */
  schema?: string;
  /** ai only: the schema of what it publishes to OUTPUT_TOPIC (`schemas/answer.json`); absent when untyped. */
  outputSchema?: string;
  /** The package index that serves clustera-kernel-runtime (`--python-index`); absent: uv's default index. */
  pythonIndex?: string;
}

/** Inputs as a flag or an answers file gives them: unchecked, any of them missing. The directory is an argument, not a flag. */
export type GivenInputs = { directory?: string } & AnswersFileFlagValues;
