// Builds the native parts: the runtime archive linked into targets and the engine's addon.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out', 'native');
const force = process.argv.includes('--force');
const require = createRequire(import.meta.url);

/** First compiler on PATH among the candidates, or null. */
function findTool(candidates) {
  for (const c of candidates) {
    try {
      execFileSync('sh', ['-c', 'command -v "$1"', 'sh', c], { stdio: 'pipe' });
      return c;
    } catch {
      // not on PATH: try the next one
    }
  }
  return null;
}

function sources(dir, exts) {
  return readdirSync(dir)
    .filter((f) => exts.some((e) => f.endsWith(e)))
    .map((f) => join(dir, f))
    .sort();
}

function newestMtime(files) {
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

function upToDate(output, inputs) {
  return !force && existsSync(output) && statSync(output).mtimeMs >= newestMtime(inputs);
}

function run(cmd, args) {
  execFileSync(cmd, args, { stdio: 'inherit', cwd: root });
}

const includeDir = join(root, 'native', 'include');
const headers = sources(includeDir, ['.h']);

function buildRuntime() {
  const dir = join(root, 'native', 'runtime');
  const srcs = sources(dir, ['.c']);
  const deps = [...srcs, ...sources(dir, ['.h']), ...headers];
  const archive = join(outDir, 'libfuzzwb_rt.a');
  if (upToDate(archive, deps)) return;
  const cc = process.env.FUZZWB_RUNTIME_CC || findTool(['clang-19', 'clang', 'gcc', 'cc']);
  if (!cc) throw new Error('no C compiler found: install clang-19 (apt-get install clang-19)');
  const objDir = join(outDir, 'runtime-obj');
  rmSync(objDir, { recursive: true, force: true });
  mkdirSync(objDir, { recursive: true });
  const objs = [];
  for (const src of srcs) {
    const obj = join(objDir, src.slice(dir.length + 1).replace(/\.c$/, '.o'));
    // The runtime is never instrumented: no sanitizer, no coverage (it would count itself).
    run(cc, [
      '-std=gnu11',
      '-O2',
      '-g',
      '-fPIC',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-fno-sanitize=all',
      '-fno-stack-protector',
      '-I',
      includeDir,
      '-c',
      src,
      '-o',
      obj,
    ]);
    objs.push(obj);
  }
  rmSync(archive, { force: true });
  run('ar', ['rcs', archive, ...objs]);
}

function buildAddon() {
  const dir = join(root, 'native', 'addon');
  const srcs = sources(dir, ['.cc']);
  if (srcs.length === 0) return;
  // The target's havoc mutator, compiled in too: the engine's stages make mutants with it.
  const mutator = join(root, 'native', 'runtime', 'mutate.c');
  const mutatorHeaders = ['mutate.h', 'runtime.h'].map((h) => join(root, 'native', 'runtime', h));
  const deps = [...srcs, ...sources(dir, ['.h']), ...headers, mutator, ...mutatorHeaders];
  const output = join(outDir, 'fuzzwb.node');
  if (upToDate(output, deps)) return;
  const cc = process.env.FUZZWB_RUNTIME_CC || findTool(['gcc', 'clang-19', 'clang', 'cc']);
  if (!cc) throw new Error('no C compiler found: install gcc (apt-get install gcc)');
  const mutatorObj = join(outDir, 'addon-mutate.o');
  run(
    cc,
    [
      '-std=gnu11',
      '-O2',
      '-g',
      '-fPIC',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-fvisibility=hidden',
    ].concat(['-I', includeDir, '-c', mutator, '-o', mutatorObj]),
  );
  const cxx = process.env.FUZZWB_ADDON_CXX || findTool(['g++', 'clang++-19', 'clang++', 'c++']);
  if (!cxx) throw new Error('no C++ compiler found: install g++ (apt-get install g++)');
  const napiHeaders = require('node-api-headers').include_dir;
  const addonApi = dirname(require.resolve('node-addon-api/package.json'));
  run(cxx, [
    '-std=c++17',
    '-O2',
    '-g',
    '-fPIC',
    '-shared',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-pthread',
    '-fvisibility=hidden',
    '-DNAPI_VERSION=8',
    '-DNAPI_CPP_EXCEPTIONS',
    '-DNODE_ADDON_API_DISABLE_DEPRECATED',
    '-I',
    includeDir,
    '-I',
    napiHeaders,
    '-I',
    addonApi,
    ...srcs,
    mutatorObj,
    '-o',
    output,
  ]);
}

mkdirSync(outDir, { recursive: true });
buildRuntime();
buildAddon();
