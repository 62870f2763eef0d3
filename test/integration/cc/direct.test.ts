// Builds harnesses by calling fuzzwb-cc / fuzzwb-c++ directly (clang, and the gcc fallback).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  assertReproduces,
  cleanEnv,
  definedDynamicSymbols,
  definedSymbols,
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

describe('fuzzwb-cc called directly', () => {
  let src = '';
  before(() => {
    requireBuilt();
    src = freshFixtures();
  });
  after(() => rmSync(dirname(src), { recursive: true, force: true }));

  test('--version reaches the real compiler untouched', () => {
    assert.match(mustRun(fuzzwbCc, ['--version']).stdout, /clang version 19/);
  });

  test('a one-file harness: runtime, exported coverage callbacks, reproduce mode', () => {
    const target = join(src, 'single_fuzz');
    mustRun(fuzzwbCc, ['-O1', join(src, 'single_fuzz.c'), '-o', target]);
    assert.ok(hasRuntimeMarker(target), 'FUZZWB_RUNTIME_MARKER_v1 is not in the binary');
    const symbols = definedDynamicSymbols(target);
    assert.ok(symbols.has('__sanitizer_cov_trace_pc_guard'), 'trace_pc_guard is not exported');
    assert.ok(symbols.has('__sanitizer_cov_trace_cmp4'), 'trace_cmp4 is not exported');
    assertReproduces(target, src, 'hello', 'FUZZ');
  });

  test('-fsanitize=fuzzer as $LIB_FUZZING_ENGINE links our runtime instead of libFuzzer', () => {
    const flags = ['-O1', '-fsanitize=address', '-fsanitize=fuzzer-no-link', `-I${src}`];
    const lib = join(src, 'parser.o');
    const harness = join(src, 'parser_fuzz.o');
    mustRun(fuzzwbCc, [...flags, '-c', join(src, 'parser.c'), '-o', lib]);
    mustRun(fuzzwbCxx, [...flags, '-c', join(src, 'parser_fuzz.cc'), '-o', harness]);
    assert.ok(
      undefinedSymbols(lib).has('__sanitizer_cov_trace_pc_guard'),
      'parser.o is not instrumented',
    );
    const target = join(src, 'oss_fuzz_style');
    mustRun(fuzzwbCxx, [
      '-O1',
      '-fsanitize=address',
      harness,
      '-fsanitize=fuzzer',
      lib,
      '-o',
      target,
    ]);
    assert.ok(hasRuntimeMarker(target), 'FUZZWB_RUNTIME_MARKER_v1 is not in the binary');
    // clang's -fsanitize=fuzzer would have linked libFuzzer, whose main() would win over ours.
    assert.ok(!definedSymbols(target).has('LLVMFuzzerRunDriver'), 'libFuzzer was linked');
    assertReproduces(target, src, PARSER_OK, PARSER_CRASH);
  });

  test('an instrumented -shared plugin loads into the target with dlopen(RTLD_NOW)', () => {
    const plugin = join(src, 'libplugin.so');
    mustRun(fuzzwbCc, ['-O1', '-shared', '-fPIC', join(src, 'plugin.c'), '-o', plugin]);
    // The runtime must live once, in the executable: the plugin only imports the callbacks.
    assert.ok(!hasRuntimeMarker(plugin), 'the runtime was linked into the shared object');
    assert.ok(
      undefinedSymbols(plugin).has('__sanitizer_cov_trace_pc_guard'),
      'plugin not instrumented',
    );
    const target = join(src, 'dlopen_fuzz');
    mustRun(fuzzwbCc, ['-O1', join(src, 'dlopen_fuzz.c'), '-o', target]);
    const input = join(src, 'plugin-input');
    writeFileSync(input, 'P');
    const result = spawnSync(target, [input], {
      env: cleanEnv({ FUZZWB_TEST_PLUGIN: plugin }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /plugin accepted the input/);
  });

  test('the gcc fallback (FUZZWB_CC=gcc): trace-pc coverage, our runtime, a working target', () => {
    const env = cleanEnv({ FUZZWB_CC: 'gcc', FUZZWB_CC_VERBOSE: '1' });
    const object = join(src, 'single_fuzz_gcc.o');
    const compiled = mustRun(fuzzwbCc, ['-O1', '-c', join(src, 'single_fuzz.c'), '-o', object], {
      env,
    });
    // The verbose line names the compiler that really ran.
    assert.match(compiled.stderr, /^\S*\/gcc -O1 -c /);
    assert.ok(undefinedSymbols(object).has('__sanitizer_cov_trace_pc'), 'no gcc trace-pc coverage');
    const target = join(src, 'single_fuzz_gcc');
    mustRun(fuzzwbCc, [object, '-o', target], { env });
    assert.ok(hasRuntimeMarker(target), 'FUZZWB_RUNTIME_MARKER_v1 is not in the binary');
    assert.ok(
      definedDynamicSymbols(target).has('__sanitizer_cov_trace_pc'),
      'trace_pc not exported',
    );
    assertReproduces(target, src, 'hello', 'FUZZ');
  });

  test('a missing runtime archive is one clear line', () => {
    const result = spawnSync(fuzzwbCc, [join(src, 'single_fuzz.c'), '-o', join(src, 'never')], {
      env: cleanEnv({ FUZZWB_RUNTIME: join(src, 'no-such.a') }),
      encoding: 'utf8',
    });
    assert.equal(result.status, 1);
    assert.equal(
      result.stderr,
      `fuzzwb-cc: the runtime archive FUZZWB_RUNTIME=${join(src, 'no-such.a')} does not exist\n`,
    );
  });
});
