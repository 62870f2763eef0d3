// Locates the repository from compiled tests, wherever the test build puts them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'fuzz-workbench'
    ) {
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`repository root not found above ${start}`);
    dir = up;
  }
}

/** The repository root (the folder with the project's package.json). */
export const repoRoot = findRoot(__dirname);

/** test/fixtures/<parts...> in the source tree. */
export function fixture(...parts: string[]): string {
  return join(repoRoot, 'test', 'fixtures', ...parts);
}
