// Bundles chosen engine modules (the product code, TypeScript) for a benchmark and loads them.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * `exports` maps a name to the engine module that exports it, e.g.
 * `{ startExecutor: 'src/engine/exec/executor' }`; the bundle lands in out/bench/<name>.cjs.
 */
export async function loadEngineModules(name, exports) {
  const outDir = join(root, 'out', 'bench');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.cjs`);
  await build({
    stdin: {
      contents: Object.entries(exports)
        .map(([symbol, module]) => `export { ${symbol} } from './${module}';`)
        .join('\n'),
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  return require(outfile);
}
