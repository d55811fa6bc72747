// The validated inputs of a kernel: everything a render depends on besides the templates.
import type { KindName } from './kinds.js';

export interface Answers {
  name: string;
  topic: string;
  kind: KindName;
  group: string;
}
