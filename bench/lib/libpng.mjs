// libpng 1.6 from Debian's source package, built with its own configure/make for any CC/CXX/flags.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianSource, cacheRoot } from '../../scripts/debian-source.mjs';
import { OPT, aflCmplogExec, fuzzwbCc, fuzzwbCxx, run } from './buildTools.mjs';

const PACKAGE = 'libpng1.6';

/** Where the patched source and the builds live: next to the Debian sources, in the cache. */
function libpngCache() {
  return join(cacheRoot(), '..', 'libpng');
}

/**
 * The source tree, patched once as OSS-Fuzz's contrib/oss-fuzz/build.sh does: STDIO, WARNING and
 * WRITE are disabled in pnglibconf.dfa, so the fuzzed library is the one OSS-Fuzz fuzzes.
 */
export function libpngSource() {
  const upstream = debianSource(PACKAGE);
  const dest = join(libpngCache(), 'src');
  const stamp = join(dest, '.fuzzwb-patched');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === upstream) return dest;
  rmSync(dest, { recursive: true, force: true });
  cpSync(upstream, dest, { recursive: true });
  const dfa = join(dest, 'scripts', 'pnglibconf.dfa');
  const patched = readFileSync(dfa, 'utf8')
    .replace(/^option STDIO/m, 'option STDIO disabled')
    .replace(/^option WARNING /m, 'option WARNING disabled ')
    .replace(/^option WRITE enables WRITE_INT_FUNCTIONS/m, 'option WRITE disabled');
  writeFileSync(dfa, patched);
  writeFileSync(stamp, upstream);
  return dest;
}

/** The oss-fuzz harness that ships in the source tree. */
function libpngHarness(src = libpngSource()) {
  return join(src, 'contrib', 'oss-fuzz', 'libpng_read_fuzzer.cc');
}

/**
 * Builds libpng16.a out of tree with configure + make (`make libpng16.la`, as OSS-Fuzz does) and
 * returns {src, dir, lib, includes}. `name` names the build directory; the build is reused while
 * cc, cflags and the extra environment stay the same.
 */
function buildLibpng({ name, cc, cflags, env = {} }) {
  const src = libpngSource();
  const dir = join(libpngCache(), `build-${name}`);
  const config = JSON.stringify({ src, cc, cflags, env });
  const key = createHash('sha1').update(config).digest('hex');
  const stamp = join(dir, '.fuzzwb-build');
  const lib = join(dir, '.libs', 'libpng16.a');
  const result = { src, dir, lib, includes: [`-I${src}`, `-I${dir}`] };
  if (existsSync(lib) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return result;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const buildEnv = { ...process.env, ...env, CC: cc, CFLAGS: cflags.join(' ') };
  run(
    join(src, 'configure'),
    [
      '--disable-shared',
      '--with-libpng-prefix=OSS_FUZZ_',
      `CC=${cc}`,
      `CFLAGS=${cflags.join(' ')}`,
    ],
    { cwd: dir, env: buildEnv },
  );
  run('make', ['-j2', 'libpng16.la'], { cwd: dir, env: buildEnv });
  writeFileSync(stamp, key);
  return result;
}

/**
 * Links `sources` (the harness, and a driver if any) against a libpng build into `out` with
 * cxx and flags, adding -lz as OSS-Fuzz's build does.
 */
function linkHarness({ build, cxx, cxxflags, sources, out, env = {} }) {
  const args = [...cxxflags, '-std=c++11', ...build.includes, ...sources, '-o', out];
  run(cxx, [...args, build.lib, '-lz'], { env: { ...process.env, ...env } });
  return out;
}

/** Each fuzzer's build of libpng and the harness: compilers, flags, link flags, extras. */
const FLAVORS = {
  ours: {
    cc: fuzzwbCc,
    cxx: fuzzwbCxx,
    cflags: OPT,
    linkFlags: ['-fsanitize=fuzzer'],
    env: { FUZZWB_SANITIZERS: 'address' },
  },
  libfuzzer: {
    cc: 'clang-19',
    cxx: 'clang++-19',
    cflags: [...OPT, '-fsanitize=address,fuzzer-no-link'],
    linkFlags: ['-fsanitize=fuzzer'],
  },
  aflpp: {
    cc: 'afl-clang-fast',
    cxx: 'afl-clang-fast++',
    cflags: OPT,
    linkFlags: ['-fsanitize=fuzzer'],
    env: { AFL_QUIET: '1', AFL_USE_ASAN: '1' },
    // Without it afl-fuzz 4.04c runs this binary in place of the CMPLOG one (aflpp.mjs).
    extraSources: [aflCmplogExec],
  },
  'aflpp-cmplog': {
    cc: 'afl-clang-fast',
    cxx: 'afl-clang-fast++',
    cflags: OPT,
    linkFlags: ['-fsanitize=fuzzer'],
    env: { AFL_QUIET: '1', AFL_LLVM_CMPLOG: '1' },
  },
};

/** The fuzzers libpngFuzzer builds for. */
export const LIBPNG_FLAVORS = Object.keys(FLAVORS);

/**
 * libpng and its oss-fuzz harness built for one fuzzer (a LIBPNG_FLAVORS name), or with the
 * `custom` flavor given, linked into outDir/libpng_read_fuzzer-<name>.
 */
export function libpngFuzzer(name, outDir, custom = FLAVORS[name]) {
  const { cc, cxx, cflags, linkFlags, env = {}, extraSources = [] } = custom;
  const build = buildLibpng({ name, cc, cflags, env });
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `libpng_read_fuzzer-${name}`);
  const sources = [libpngHarness(build.src), ...extraSources];
  return linkHarness({ build, cxx, cxxflags: [...cflags, ...linkFlags], sources, out, env });
}
