// Benchmark dispatcher: `node scripts/bench.mjs <name> [options]` runs bench/<name>/run.mjs.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The known benchmarks. Each lives in bench/<name>/run.mjs and exports
 * `main(argv: string[]): Promise<number>` (the exit code); add a line here to plug one in.
 */
const BENCHMARKS = {
  exec: 'execs/s of the executor against libc fork, the best raw fork loop and AFL++',
  'coverage-map': 'symbolizing 100k PCs cold and cached; applying a 10k-PC coverage change',
  find: 'time to first crash on four targets: ours, -mode=fork, libFuzzer, AFL++ (persistent, fork)',
  coverage: 'libpng lines and branches reached in a fixed time, replayed on one coverage build',
  scale: 'execs/s of fuzzwb fuzz with 1 and 2 workers on one ASan harness, from an empty corpus',
};

async function dispatch(argv) {
  const [name, ...rest] = argv;
  if (name === undefined || !Object.hasOwn(BENCHMARKS, name)) {
    const known = Object.keys(BENCHMARKS).join(', ');
    const what = name === undefined ? 'name a benchmark' : `unknown benchmark "${name}"`;
    process.stderr.write(`bench: ${what}; known: ${known}\n`);
    return 2;
  }
  const module = await import(pathToFileURL(join(root, 'bench', name, 'run.mjs')).href);
  try {
    return await module.main(rest);
  } catch (err) {
    process.stderr.write(`bench ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await dispatch(process.argv.slice(2));
