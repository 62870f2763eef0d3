// Finds programs on PATH (llvm-symbolizer and friends) without running a shell.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The first of `names` found as an executable file on `pathVar`, as an absolute path. */
export function findOnPath(
  names: readonly string[],
  pathVar = process.env.PATH ?? '',
): string | undefined {
  const dirs = pathVar.split(delimiter).filter((d) => d !== '');
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here: keep looking
      }
    }
  }
  return undefined;
}

/** llvm-symbolizer for sanitizer reports: the versioned one our toolchain installs first. */
export function findSymbolizer(): string | undefined {
  return findOnPath([
    'llvm-symbolizer-19',
    'llvm-symbolizer',
    'llvm-symbolizer-18',
    'llvm-symbolizer-17',
  ]);
}
