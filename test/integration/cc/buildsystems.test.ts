// make, CMake and meson projects (static library + harness) built with fuzzwb-cc / fuzzwb-c++.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  assertReproduces,
  cleanEnv,
  freshFixtures,
  fuzzwbCc,
  fuzzwbCxx,
  hasRuntimeMarker,
  mustRun,
  PARSER_CRASH,
  PARSER_OK,
  requireBuilt,
  undefinedSymbols,
} from './wrapper';

const hasMeson = spawnSync('meson', ['--version']).status === 0;

/** The built harness carries our runtime and finds the parser's bug. */
function assertWorkingHarness(target: string, scratch: string): void {
  assert.ok(hasRuntimeMarker(target), 'FUZZWB_RUNTIME_MARKER_v1 is not in the binary');
  assertReproduces(target, scratch, PARSER_OK, PARSER_CRASH);
}

describe('build systems with the wrappers as compilers', () => {
  let src = '';
  before(() => {
    requireBuilt();
    src = freshFixtures();
  });
  after(() => rmSync(dirname(src), { recursive: true, force: true }));

  test('make with CC=fuzzwb-cc: instrumented static library, working harness', () => {
    const project = join(src, 'make');
    mustRun('make', ['-C', project, `CC=${fuzzwbCc}`]);
    const lib = undefinedSymbols(join(project, 'parser.o'));
    assert.ok(lib.has('__sanitizer_cov_trace_pc_guard'), 'parser.o has no coverage');
    assert.ok(lib.has('__asan_report_load1'), 'parser.o has no ASan checks');
    assertWorkingHarness(join(project, 'parser_fuzz'), project);
  });

  test('CMake: compiler checks link with our runtime, C++ harness builds', () => {
    const build = join(src, 'cmake', 'build');
    mustRun('cmake', [
      '-S',
      join(src, 'cmake'),
      '-B',
      build,
      `-DCMAKE_C_COMPILER=${fuzzwbCc}`,
      `-DCMAKE_CXX_COMPILER=${fuzzwbCxx}`,
    ]);
    // CMake identified clang through the wrapper's pass-through of its compiler probes.
    const versionDir = readdirSync(join(build, 'CMakeFiles')).find((d) => /^\d/.test(d)) ?? '';
    const detected = readFileSync(
      join(build, 'CMakeFiles', versionDir, 'CMakeCXXCompiler.cmake'),
      'utf8',
    );
    assert.match(detected, /set\(CMAKE_CXX_COMPILER_ID "Clang"\)/);
    mustRun('cmake', ['--build', build]);
    assertWorkingHarness(join(build, 'parser_fuzz'), build);
  });

  const skipMeson = hasMeson ? false : 'meson is not on PATH (apt-get install meson)';
  test('meson with CC=fuzzwb-cc', { skip: skipMeson }, () => {
    const build = join(src, 'meson', 'build');
    const env = cleanEnv({ CC: fuzzwbCc });
    mustRun('meson', ['setup', build, join(src, 'meson')], { env });
    mustRun('meson', ['compile', '-C', build], { env });
    assertWorkingHarness(join(build, 'parser_fuzz'), build);
  });
});
