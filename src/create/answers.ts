// The validated inputs of a kernel: everything a render depends on besides the templates.
import type { KindName } from '../kinds.js';

export interface Answers {
  name: string;
  topic: string;
  kind: KindName;
  group: string;
}

/** Inputs as a flag or an answers file gives them: unchecked, any of them missing. */
export interface GivenInputs {
  directory?: string;
  name?: string;
  topic?: string;
  kind?: string;
  group?: string;
  install?: boolean;
  git?: boolean;
  testRun?: boolean;
}
