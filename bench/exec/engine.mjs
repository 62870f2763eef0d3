// Loads the engine's own executor start-up (src/engine/exec) so the bench measures the product path.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { outDir, root } from './build.mjs';

const require = createRequire(import.meta.url);

/** Bundles src/engine/exec/ into out/bench/ and returns its exports (startExecutor, targetEnv). */
export async function loadEngine() {
  const outfile = join(outDir, 'engine-exec.cjs');
  await build({
    stdin: {
      contents:
        "export { startExecutor } from './src/engine/exec/executor';\n" +
        "export { targetEnv } from './src/engine/exec/targetEnv';\n",
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
