// Real libraries with known bugs (../shared/real-targets): built from their tarballs for every fuzzer.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OPT, aflCmplogExec, fuzzwbCc, fuzzwbCxx, make, run } from './buildTools.mjs';
import { root } from './engineBundle.mjs';

const sharedTargets = join(root, '..', 'shared', 'real-targets');
const runtimeArchive = join(root, 'out', 'native', 'libfuzzwb_rt.a');
const jobs = String(Math.max(1, cpus().length));

/**
 * Each library as google/fuzzer-test-suite builds it: a static library, then its harness linked
 * against it. `build(dir, env)` runs in the unpacked source; `archive` and `include` are
 * relative to it; `libs` are the system libraries the harness needs.
 */
export const REAL_TARGETS = {
  lcms: {
    dir: 'lcms-2017-03-21',
    harness: 'cms_transform_fuzzer.c',
    build: (dir, env) => {
      run('./configure', ['--disable-shared', '--quiet'], { cwd: dir, env });
      run('make', ['-j', jobs, '-s'], { cwd: dir, env });
    },
    archive: 'src/.libs/liblcms2.a',
    include: 'include',
    libs: [],
  },
  libarchive: {
    dir: 'libarchive-2017-01-04',
    harness: 'libarchive_fuzzer.cc',
    // CMake rather than the autogen.sh of the original build: no autotools needed. Its default
    // Debug build adds -Werror, which today's OpenSSL deprecations break; Release with empty
    // flags of its own keeps just the flavor's CFLAGS.
    build: (dir, env) => {
      const b = join(dir, 'cmake-build');
      mkdirSync(b, { recursive: true });
      const off = ['NETTLE', 'LZO', 'LZ4', 'CNG', 'TAR', 'CPIO', 'CAT', 'TEST', 'ACL', 'XATTR'];
      const type = ['-DCMAKE_BUILD_TYPE=Release', '-DCMAKE_C_FLAGS_RELEASE='];
      const args = [
        '..',
        '-DBUILD_SHARED_LIBS=OFF',
        ...type,
        ...off.map((o) => `-DENABLE_${o}=OFF`),
      ];
      run('cmake', args, { cwd: b, env });
      run('make', ['-j', jobs, '-s', 'archive_static'], { cwd: b, env });
    },
    archive: 'cmake-build/libarchive/libarchive.a',
    include: 'libarchive',
    libs: ['-lz', '-lbz2', '-llzma', '-lxml2', '-lcrypto', '-lssl'],
  },
};

export const REAL_TARGET_NAMES = Object.keys(REAL_TARGETS);

/**
 * One build of the library and its harness: compilers, flags for both, and the link's extras.
 * With `replayObject`, also `cov`: clang's source coverage, linked with the coverage bench's
 * replay driver in place of a fuzzer.
 */
function flavors(replayObject) {
  const clang = { CC: 'clang-19', CXX: 'clang++-19' };
  const afl = { CC: 'afl-clang-fast', CXX: 'afl-clang-fast++', AFL_QUIET: '1' };
  const libfuzzerFlags = [...OPT, '-fsanitize=address,fuzzer-no-link'];
  return {
    ours: { env: { CC: fuzzwbCc, CXX: fuzzwbCxx, FUZZWB_SANITIZERS: 'address' }, cflags: OPT },
    libfuzzer: {
      env: clang,
      cflags: libfuzzerFlags,
      link: ['-fsanitize=fuzzer,address'],
    },
    aflPersistent: {
      env: { ...afl, AFL_USE_ASAN: '1' },
      cflags: OPT,
      link: ['-fsanitize=fuzzer', aflCmplogExec],
    },
    aflPersistentCmplog: {
      env: { ...afl, AFL_LLVM_CMPLOG: '1' },
      cflags: OPT,
      link: ['-fsanitize=fuzzer'],
    },
    ...(replayObject !== undefined
      ? {
          cov: {
            env: clang,
            cflags: [...OPT, '-fprofile-instr-generate', '-fcoverage-mapping'],
            link: [replayObject],
          },
        }
      : {}),
  };
}

function buildFlavor(name, spec, flavor, outDir) {
  const t = REAL_TARGETS[name];
  const tarball = join(sharedTargets, `${t.dir}.tar.gz`);
  const harness = join(sharedTargets, t.dir, t.harness);
  const out = join(outDir, flavor);
  const self = fileURLToPath(import.meta.url);
  const inputs = [tarball, harness, self, ...(flavor === 'ours' ? [runtimeArchive] : [])];
  if (flavor === 'cov') inputs.push(...spec.link);
  return make(out, inputs, () => {
    const src = join(outDir, `src-${flavor}`);
    rmSync(src, { recursive: true, force: true });
    mkdirSync(src, { recursive: true });
    run('tar', ['xzf', tarball, '-C', src, '--strip-components=1']);
    const flags = spec.cflags.join(' ');
    const env = { ...process.env, ...spec.env, CFLAGS: flags, CXXFLAGS: flags };
    if (!spec.env.AFL_USE_ASAN) delete env.AFL_USE_ASAN;
    t.build(src, env);
    // Harnesses of .c files are C++ too (fuzzer-test-suite compiles them with $CXX); C++11
    // because lcms2.h still says `register`, which C++17 rejects.
    const link = [...spec.cflags, '-std=c++11', '-x', 'c++', harness, '-x', 'none'];
    link.push(`-I${join(src, t.include)}`, join(src, t.archive), ...(spec.link ?? []), ...t.libs);
    run(env.CXX, [...link, '-o', out], { env });
    rmSync(src, { recursive: true, force: true });
  });
}

/**
 * Builds real target `name` for every persistent contender (the fork-mode AFL++ driver is for
 * the toys only) and returns the binaries in the find bench's shape; with `replayObject` (the
 * coverage bench's), a `cov` build too.
 */
export function buildRealTarget(name, outRoot, replayObject) {
  if (!existsSync(join(sharedTargets, `${REAL_TARGETS[name].dir}.tar.gz`))) {
    throw new Error(`${name}: ${sharedTargets} has no ${REAL_TARGETS[name].dir}.tar.gz`);
  }
  const outDir = join(outRoot, name);
  mkdirSync(outDir, { recursive: true });
  const binaries = {};
  for (const [flavor, spec] of Object.entries(flavors(replayObject))) {
    process.stderr.write(`bench: building ${name} for ${flavor}\n`);
    binaries[flavor] = buildFlavor(name, spec, flavor, outDir);
  }
  return binaries;
}
