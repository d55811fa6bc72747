import { readFile } from 'node:fs/promises';

// Reads the end of a service's log for error messages; a missing log reads as a note, not a second error.
export async function tailLines(file: string, count = 40): Promise<string> {
  try {
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    return lines.slice(-count).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}
