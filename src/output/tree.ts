// A plan's paths drawn as an indented tree, for --dry-run.

export function drawTree(root: string, paths: string[]): string {
  const lines = [`${root}/`];
  const printedDirs = new Set<string>();
  for (const path of [...paths].sort()) {
    const parts = path.split('/');
    for (let depth = 0; depth < parts.length - 1; depth += 1) {
      const dir = parts.slice(0, depth + 1).join('/');
      if (printedDirs.has(dir)) continue;
      printedDirs.add(dir);
      lines.push(`${'  '.repeat(depth + 1)}${parts[depth]}/`);
    }
    lines.push(`${'  '.repeat(parts.length)}${parts[parts.length - 1]}`);
  }
  return lines.join('\n');
}
