// kernel_runtime/ imports form no circle, not even through imports only type checkers follow (under TYPE_CHECKING).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

const RUNTIME_DIR = join(REPO_ROOT, 'runtime', 'src', 'kernel_runtime');

type ImportGraph = Map<string, string[]>;

/** The runtime's own modules each file imports, at any indentation: `from .x import`, `from . import x`, `kernel_runtime.x`. */
function runtimeImports(source: string, modules: Set<string>): string[] {
  const found = new Set<string>();
  for (const [, module = '', imported = ''] of source.matchAll(
    /^[ \t]*from[ \t]+(?:\.|kernel_runtime\.?)(\w*)[ \t]+import[ \t]+\(?([^)\n]*)/gm,
  )) {
    const names = module ? [module] : imported.split(',').map((name) => name.trim().split(/\s+/)[0] ?? '');
    for (const name of names) if (modules.has(name)) found.add(name);
  }
  for (const [, module = ''] of source.matchAll(/^[ \t]*import[ \t]+kernel_runtime\.(\w+)/gm))
    if (modules.has(module)) found.add(module);
  return [...found];
}

function readGraph(dir: string): ImportGraph {
  const files = readdirSync(dir).filter((name) => name.endsWith('.py'));
  const modules = new Set(files.map((name) => name.slice(0, -'.py'.length)));
  return new Map(
    files.map((name) => [name.slice(0, -'.py'.length), runtimeImports(readFileSync(join(dir, name), 'utf8'), modules)]),
  );
}

/** One import circle as the path that closes it (a → b → a), or undefined when the graph has none. */
function findCycle(graph: ImportGraph): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (module: string): string[] | undefined => {
    const open = path.indexOf(module);
    if (open !== -1) return [...path.slice(open), module];
    if (done.has(module)) return undefined;
    path.push(module);
    for (const next of graph.get(module) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(module);
    return undefined;
  };
  for (const module of [...graph.keys()].sort()) {
    const cycle = visit(module);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('kernel_runtime imports', () => {
  it('reads relative, package and TYPE_CHECKING imports, and only names that are runtime modules', () => {
    const modules = new Set(['runner', 'service', 'env', 'errors']);
    const source = [
      'from .env import Env',
      'from . import errors, os',
      'if TYPE_CHECKING:',
      '    from .runner import Runtime',
      'from kernel_runtime.service import Service',
      'import json',
    ].join('\n');
    expect(runtimeImports(source, modules).sort()).toEqual(['env', 'errors', 'runner', 'service']);
  });

  it('finds a circle, also a long one, and none in a tree', () => {
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
    expect(
      findCycle(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toBeUndefined();
  });

  it('has no import circle among the runtime modules', () => {
    const graph = readGraph(RUNTIME_DIR);
    expect(graph.size).toBeGreaterThan(10);
    expect(findCycle(graph)?.join(' → ')).toBeUndefined();
  });
});
