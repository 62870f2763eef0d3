// Builds the exec benchmark's binaries under out/bench/exec: our targets, the fork loops, AFL++'s.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '..', '..');
export const outDir = join(root, 'out', 'bench', 'exec');
const objDir = join(outDir, 'obj');
const runtimeArchive = join(root, 'out', 'native', 'libfuzzwb_rt.a');
const fuzzwbCc = join(root, 'bin', 'fuzzwb-cc');
const fuzzwbBundle = join(root, 'out', 'fuzzwb-cc.js');

/** Inputs per child in persistent mode, shared by our executor and AFL++'s __AFL_LOOP. */
export const PERSISTENT_INPUTS = 10000;

const COVERAGE = ['-fsanitize-coverage=trace-pc-guard,pc-table,trace-cmp'];
const OPT = ['-g', '-O2'];
const src = (name) => join(here, name);

/** Tools the benchmark runs, with the Debian package that provides each. */
const TOOLS = [
  ['clang-19', 'clang-19'],
  ['afl-fuzz', 'afl++'],
  ['afl-clang-fast', 'afl++'],
];

function onPath(name) {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir !== '' && existsSync(join(dir, name)));
}

/** Throws one line naming the Debian package of the first missing tool. */
export function checkTools() {
  for (const [tool, pkg] of TOOLS) {
    if (!onPath(tool)) throw new Error(`${tool} not found: install the Debian package ${pkg}`);
  }
}

/** Runs a build command; on failure throws one line with the tool's last line of output. */
function run(cmd, args, env = process.env) {
  const res = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', stdio: 'pipe' });
  if (res.error) throw new Error(`${cmd}: ${res.error.message}`);
  if (res.status !== 0) {
    const output = `${res.stdout}\n${res.stderr}`;
    // AFL++'s clang lacks its ASan runtime unless this package is installed.
    if (/libclang_rt\.asan[^\s]*: No such file/.test(output)) {
      const version = /llvm-(\d+)/.exec(output)?.[1] ?? 'N';
      throw new Error(
        `afl-clang-fast cannot link ASan: install the Debian package libclang-rt-${version}-dev`,
      );
    }
    // The first error line says what went wrong; a linker's last line only says that it did.
    const lines = output.trim().split('\n').filter(Boolean);
    const why = lines.find((l) => /error|undefined reference/i.test(l)) ?? lines.pop() ?? '';
    throw new Error(`${cmd} ${args.join(' ')} failed: ${why.trim()}`);
  }
  return res.stdout;
}

function upToDate(output, inputs) {
  if (!existsSync(output)) return false;
  const built = statSync(output).mtimeMs;
  return inputs.every((f) => statSync(f).mtimeMs <= built);
}

/** Builds output from inputs with build() unless it is newer than all of them and this file. */
function make(output, inputs, build) {
  if (upToDate(output, [...inputs, fileURLToPath(import.meta.url)])) return output;
  build();
  return output;
}

/** out/native/ is built by the project's own script; it is incremental, so this is cheap. */
function buildNative() {
  run(process.execPath, [join(root, 'scripts', 'build-native.mjs')]);
  if (!existsSync(runtimeArchive)) {
    throw new Error(`${runtimeArchive} was not built: see node scripts/build-native.mjs`);
  }
}

function sanFlags(san) {
  return san === 'asan' ? ['-fsanitize=address'] : [];
}

/** Our target built by bin/fuzzwb-cc, the project's compiler wrapper. */
function buildOursWithWrapper(san) {
  const out = join(outDir, `ours-fuzzwb-cc-${san}`);
  const env = { ...process.env, FUZZWB_SANITIZERS: san === 'asan' ? 'address' : 'none' };
  delete env.FUZZWB_RUNTIME;
  const inputs = [src('harness.c'), runtimeArchive, fuzzwbCc];
  // bin/fuzzwb-cc only loads the wrapper bundled here by npm run build.
  if (existsSync(fuzzwbBundle)) inputs.push(fuzzwbBundle);
  return make(out, inputs, () => run(fuzzwbCc, [...OPT, src('harness.c'), '-o', out], env));
}

/** Our target built with the raw flags fuzzwb-cc stands for. */
function buildOursRaw(san) {
  const out = join(outDir, `ours-clang-${san}`);
  return make(out, [src('harness.c'), runtimeArchive], () =>
    run('clang-19', [
      ...OPT,
      ...sanFlags(san),
      ...COVERAGE,
      src('harness.c'),
      runtimeArchive,
      '-Wl,--export-dynamic-symbol=__sanitizer_cov_*',
      '-o',
      out,
    ]),
  );
}

function buildOursRawBoth() {
  return { asan: buildOursRaw('asan'), plain: buildOursRaw('plain') };
}

/**
 * Our targets, by fuzzwb-cc when the project has a working one, else by the raw flags. A
 * failing wrapper is reported in `compiler` rather than fatal: the benchmark measures the
 * executor, and the wrapper is built separately (npm run build).
 */
function buildOurs() {
  if (existsSync(fuzzwbCc)) {
    try {
      return {
        compiler: 'bin/fuzzwb-cc',
        asan: buildOursWithWrapper('asan'),
        plain: buildOursWithWrapper('plain'),
      };
    } catch (err) {
      return { ...buildOursRawBoth(), compiler: `clang-19 flags (bin/fuzzwb-cc: ${err.message})` };
    }
  }
  return { ...buildOursRawBoth(), compiler: 'clang-19 flags' };
}

/** The libc-fork and raw-fork-best loops: the harness with our target's flags, the loop and
 * the coverage callbacks uninstrumented (like our runtime). */
function buildLoops(san) {
  const out = join(outDir, `fork-loops-${san}`);
  const parts = [
    ['harness.c', COVERAGE],
    ['fork_loops.c', []],
    ['sancov_min.c', []],
  ];
  return make(
    out,
    parts.map(([name]) => src(name)),
    () => {
      const objs = parts.map(([name, extra]) => {
        const obj = join(objDir, `${name.replace(/\.c$/, '')}-${san}.o`);
        run('clang-19', [...OPT, ...sanFlags(san), ...extra, '-c', src(name), '-o', obj]);
        return obj;
      });
      run('clang-19', [...sanFlags(san), ...objs, '-o', out]);
    },
  );
}

/** AFL++ targets: afl-clang-fast instruments the harness itself; AFL_USE_ASAN adds ASan. */
function buildAfl(san, driver, extra = []) {
  const out = join(outDir, `${driver.replace(/\.c$/, '').replace('_', '-')}-${san}`);
  const env = { ...process.env, AFL_QUIET: '1' };
  if (san === 'asan') env.AFL_USE_ASAN = '1';
  else delete env.AFL_USE_ASAN;
  return make(out, [src(driver), src('harness.c')], () =>
    run('afl-clang-fast', [...OPT, ...extra, src(driver), src('harness.c'), '-o', out], env),
  );
}

/** Builds everything the benchmark runs and returns the binaries by role and sanitizer. */
export function buildAll() {
  checkTools();
  mkdirSync(objDir, { recursive: true });
  buildNative();
  const baselines = {
    asan: {
      loops: buildLoops('asan'),
      aflFork: buildAfl('asan', 'afl_driver.c'),
      aflPersistent: buildAfl('asan', 'afl_persistent.c', [
        `-DBENCH_PERSISTENT=${PERSISTENT_INPUTS}`,
      ]),
    },
    plain: { loops: buildLoops('plain'), aflFork: buildAfl('plain', 'afl_driver.c') },
  };
  const ours = buildOurs();
  return {
    compiler: ours.compiler,
    asan: { ours: ours.asan, ...baselines.asan },
    plain: { ours: ours.plain, ...baselines.plain },
  };
}
