// libpng 1.6 from Debian's source package, built with its own configure/make for any CC/CXX/flags.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debianSource, cacheRoot } from '../../scripts/debian-source.mjs';
import { run } from './buildTools.mjs';

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
export function libpngHarness(src = libpngSource()) {
  return join(src, 'contrib', 'oss-fuzz', 'libpng_read_fuzzer.cc');
}

/**
 * Builds libpng16.a out of tree with configure + make (`make libpng16.la`, as OSS-Fuzz does) and
 * returns {src, dir, lib, includes}. `name` names the build directory; the build is reused while
 * cc, cflags and the extra environment stay the same.
 */
export function buildLibpng({ name, cc, cflags, env = {} }) {
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
export function linkHarness({ build, cxx, cxxflags, sources, out, env = {} }) {
  const args = [...cxxflags, '-std=c++11', ...build.includes, ...sources, '-o', out];
  run(cxx, [...args, build.lib, '-lz'], { env: { ...process.env, ...env } });
  return out;
}
