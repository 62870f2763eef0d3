// Reads seed inputs from corpus directories (libFuzzer or AFL++ layouts), skipping what cannot be read.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface SeedLoad {
  seeds: Buffer[];
  /** One line per file or directory that was skipped, with the reason. */
  warnings: string[];
}

/** Every regular file in the directories (AFL++'s `queue/` subfolder too), truncated to maxLen. */
export function loadSeeds(dirs: readonly string[], maxLen: number): SeedLoad {
  const seeds: Buffer[] = [];
  const warnings: string[] = [];
  const visit = (dir: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (err) {
      warnings.push(`cannot read corpus directory ${dir}: ${(err as Error).message}`);
      return;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      try {
        const st = statSync(path);
        if (st.isDirectory()) {
          if (depth === 0 && name === 'queue') visit(path, depth + 1);
          continue;
        }
        if (!st.isFile()) continue;
        seeds.push(readFileSync(path).subarray(0, maxLen));
      } catch (err) {
        warnings.push(`skipped unreadable corpus file ${path}: ${(err as Error).message}`);
      }
    }
  };
  for (const d of dirs) visit(d, 0);
  return { seeds, warnings };
}
