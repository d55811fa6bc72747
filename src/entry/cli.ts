// Command-line entry: the usual create command line runs without commander; everything else goes through it.
// Each command imports what it needs when it runs (see test/e2e/lazy-loading).
import { tolerateClosedOutput } from '../output/closed-output.js';
import { parseCreateFastPath } from './create-fast-path.js';
import { runCreate } from './command-runner.js';

export async function main(argv: string[]): Promise<number> {
  tolerateClosedOutput();
  const fast = parseCreateFastPath(argv.slice(2));
  if (fast) return runCreate(fast.directory, fast.options);
  const { runWithCommander } = await import('./program.js');
  return runWithCommander(argv);
}
