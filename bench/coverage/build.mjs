// Builds libpng and its oss-fuzz harness once per fuzzer of the coverage bench, plus the
// coverage build (clang source-based coverage) that replays every fuzzer's corpus.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPT, make, run } from '../lib/buildTools.mjs';
import { root } from '../lib/engineBundle.mjs';
import { libpngFuzzer } from '../lib/libpng.mjs';
import { REAL_TARGET_NAMES, buildRealTarget } from '../lib/realTargets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const outDir = join(root, 'out', 'bench', 'coverage');
const COVERAGE = ['-fprofile-instr-generate', '-fcoverage-mapping'];

/** The driver object for the coverage build: plain, so only libpng and the harness count. */
function replayObject() {
  const obj = join(outDir, 'replay_driver.o');
  const src = join(here, 'replay_driver.c');
  return make(obj, [src], () => run('clang-19', ['-O1', '-c', src, '-o', obj]));
}

/** The targets the bench measures: libpng (from Debian's source), and the real libraries. */
export const COVERAGE_TARGETS = ['libpng', ...REAL_TARGET_NAMES];

/**
 * A real library's builds under the names the coverage bench's fuzzers use (shared with the
 * find bench, which builds the same flavors in the same place).
 */
export function buildReal(name, log) {
  mkdirSync(outDir, { recursive: true });
  log(`building ${name} for every fuzzer and for coverage`);
  const b = buildRealTarget(name, join(root, 'out', 'bench', 'find'), replayObject());
  return {
    ours: b.ours,
    libfuzzer: b.libfuzzer,
    aflpp: b.aflPersistent,
    'aflpp-cmplog': b.aflPersistentCmplog,
    cov: b.cov,
  };
}

/**
 * Builds what `names` asks for (ours, libfuzzer, aflpp, aflpp-cmplog, cov) and returns the
 * binaries by name. Each library build takes a minute or two and is cached by its flags.
 */
export function buildAll(names, log) {
  mkdirSync(outDir, { recursive: true });
  const binaries = {};
  for (const name of names) {
    log(`building libpng for ${name}`);
    binaries[name] =
      name === 'cov'
        ? libpngFuzzer('cov', outDir, {
            cc: 'clang-19',
            cxx: 'clang++-19',
            cflags: [...OPT, ...COVERAGE],
            linkFlags: [],
            extraSources: [replayObject()],
          })
        : libpngFuzzer(name, outDir);
  }
  return binaries;
}
