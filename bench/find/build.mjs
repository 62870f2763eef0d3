// Builds each find-bench target (bench/targets/*.c) once per fuzzer, under out/bench/find/.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPT, aflCmplogExec, fuzzwbCc, make, run } from '../lib/buildTools.mjs';
import { root } from '../lib/engineBundle.mjs';
import { libpngFuzzer } from '../lib/libpng.mjs';
import { REAL_TARGET_NAMES, buildRealTarget } from '../lib/realTargets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const targetsDir = join(here, '..', 'targets');
const aflForkDriver = join(here, '..', 'lib', 'afl_fork_driver.c');
const outRoot = join(root, 'out', 'bench', 'find');
const runtimeArchive = join(root, 'out', 'native', 'libfuzzwb_rt.a');

/** The toy targets, in order of depth of their gate; each is bench/targets/<name>.c. */
export const TARGETS = ['magic', 'checksum', 'nested', 'mmio'];

/**
 * Real libraries no one here wrote, by name: those of ../lib/realTargets.mjs, and libpng from
 * Debian's source package with the oss-fuzz harness it ships (../lib/libpng.mjs).
 */
export const REAL_TARGETS = [...REAL_TARGET_NAMES, 'libpng'];

/** libpng's builds under the find bench's names (the coverage bench builds the same ones). */
function buildLibpngTarget() {
  const dir = join(outRoot, 'libpng');
  return {
    ours: libpngFuzzer('ours', dir),
    libfuzzer: libpngFuzzer('libfuzzer', dir),
    aflPersistent: libpngFuzzer('aflpp', dir),
    aflPersistentCmplog: libpngFuzzer('aflpp-cmplog', dir),
  };
}

/**
 * Builds target `name` and returns its binaries: ours (fuzzwb-cc), libfuzzer (clang-19
 * -fsanitize=fuzzer,address), aflPersistent (afl-clang-fast -fsanitize=fuzzer: AFL++'s
 * libAFLDriver with __AFL_LOOP), aflFork (a driver without __AFL_LOOP), and a CMPLOG build of
 * each AFL++ driver, without ASan as AFL++ recommends. The ASan builds link afl_cmplog_exec.c,
 * without which afl-fuzz 4.04c runs them in place of the CMPLOG build (see ../lib/aflpp.mjs).
 * A real target has no AFL++ fork-driver builds: its contenders are the persistent ones.
 */
export function buildTarget(name) {
  if (name === 'libpng') return buildLibpngTarget();
  if (REAL_TARGET_NAMES.includes(name)) return buildRealTarget(name, outRoot);
  const src = join(targetsDir, `${name}.c`);
  const dir = join(outRoot, name);
  mkdirSync(dir, { recursive: true });
  const self = fileURLToPath(import.meta.url);
  const out = (variant) => join(dir, variant);
  const ourEnv = { ...process.env, FUZZWB_SANITIZERS: 'address' };
  const aflEnv = (extra) => {
    const env = { ...process.env, AFL_QUIET: '1', ...extra };
    if (extra.AFL_LLVM_CMPLOG) delete env.AFL_USE_ASAN;
    return env;
  };
  const afl = (variant, args, extra) =>
    make(out(variant), [src, self, aflForkDriver, aflCmplogExec], () =>
      run('afl-clang-fast', [...OPT, ...args, src, '-o', out(variant)], { env: aflEnv(extra) }),
    );
  return {
    // The runtime archive too: a target linked with an older runtime speaks an older protocol.
    ours: make(out('ours'), [src, self, fuzzwbCc, runtimeArchive], () =>
      run(fuzzwbCc, [...OPT, src, '-o', out('ours')], { env: ourEnv }),
    ),
    libfuzzer: make(out('libfuzzer'), [src, self], () =>
      run('clang-19', [...OPT, '-fsanitize=fuzzer,address', src, '-o', out('libfuzzer')]),
    ),
    aflPersistent: afl('afl-persistent', ['-fsanitize=fuzzer', aflCmplogExec], {
      AFL_USE_ASAN: '1',
    }),
    aflPersistentCmplog: afl('afl-persistent.cmplog', ['-fsanitize=fuzzer'], {
      AFL_LLVM_CMPLOG: '1',
    }),
    aflFork: afl('afl-fork', [aflForkDriver, aflCmplogExec], { AFL_USE_ASAN: '1' }),
    aflForkCmplog: afl('afl-fork.cmplog', [aflForkDriver], { AFL_LLVM_CMPLOG: '1' }),
  };
}
