// Reports printed in this test run by programs built with clang-19 and gcc-12 under each sanitizer.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { findSymbolizer } from '../../../src/engine/exec/findTool';
import { readBuildId } from '../../../src/engine/triage/buildId';
import { crashState } from '../../../src/engine/triage/crashState';
import {
  parseSanitizerReport,
  type SanitizerReport,
} from '../../../src/engine/triage/sanitizerReport';
import { symbolizeReport } from '../../../src/engine/triage/symbolizeReport';
import { LlvmSymbolizer } from '../../../src/engine/triage/symbolizer';
import { firstUserFrame } from '../../../src/engine/triage/userFrames';
import { buildDir } from '../../helpers/build';
import { fixture } from '../../helpers/paths';

const source = fixture('triage', 'crashes.c');
const symbolizerPath = findSymbolizer() ?? 'llvm-symbolizer-19';

/** The line of the `BUG(mode)` marker in a fixture: where the report must point. */
function bugLine(file: string, mode: string): number {
  const i = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(`BUG(${mode})`));
  assert.ok(i >= 0, `no BUG(${mode}) marker in ${file}`);
  return i + 1;
}

const built = new Map<string, string>();
function build(compiler: string, sanitizer: string, src = source): string {
  const key = `${compiler}-${sanitizer}-${src}`;
  let out = built.get(key);
  if (out === undefined) {
    out = join(buildDir(), `triage-${compiler}-${sanitizer}-${built.size}`);
    execFileSync(compiler, ['-g', '-O0', `-fsanitize=${sanitizer}`, src, '-o', out], {
      stdio: 'pipe',
    });
    built.set(key, out);
  }
  return out;
}

function crash(binary: string, mode: string, env: Record<string, string> = {}): string {
  const r = spawnSync(binary, mode === '' ? [] : [mode], {
    encoding: 'utf8',
    env: {
      ...process.env,
      ASAN_SYMBOLIZER_PATH: symbolizerPath,
      MSAN_SYMBOLIZER_PATH: symbolizerPath,
      ...env,
    },
    timeout: 30000,
  });
  assert.notEqual(r.status, 0, `${binary} ${mode} must fail`);
  return r.stderr;
}

function expectAt(r: SanitizerReport | undefined, file: string, line: number, func: string): void {
  assert.ok(r, 'a report');
  const top = firstUserFrame(r.frames);
  assert.deepEqual([top?.file, top?.line, top?.func], [file, line, func]);
}

const ASAN_CASES: [mode: string, kind: string, op: 'READ' | 'WRITE' | undefined, func: string][] = [
  ['heap-read', 'heap-buffer-overflow', 'READ', 'heap_read'],
  ['heap-write', 'heap-buffer-overflow', 'WRITE', 'heap_write'],
  ['stack-read', 'stack-buffer-overflow', 'READ', 'stack_read'],
  ['global-read', 'global-buffer-overflow', 'READ', 'global_read'],
  ['uaf', 'heap-use-after-free', 'READ', 'use_after_free'],
  ['double-free', 'double-free', undefined, 'double_free'],
  ['segv', 'SEGV', 'READ', 'null_deref'],
  ['memcpy-overlap', 'memcpy-param-overlap', undefined, 'overlap'],
  ['leak', 'memory-leak', undefined, 'leak'],
];

for (const compiler of ['clang-19', 'gcc-12']) {
  describe(`AddressSanitizer reports from ${compiler}`, () => {
    for (const [mode, kind, op, func] of ASAN_CASES) {
      test(`${mode}: ${kind} at the marked line`, () => {
        const r = parseSanitizerReport(
          crash(build(compiler, 'address'), mode, { ASAN_OPTIONS: 'detect_leaks=1' }),
        );
        assert.equal(r?.kind, kind);
        assert.equal(r?.access?.op, op);
        expectAt(r, source, bugLine(source, mode), func);
        if (mode === 'uaf') {
          assert.deepEqual(
            r?.stacks.map((s) => s.title),
            ['freed by thread T0 here', 'previously allocated by thread T0 here'],
          );
        }
      });
    }
  });
}

test('clang-19: stack-overflow keeps the recursing function three times', () => {
  const r = parseSanitizerReport(crash(build('clang-19', 'address'), 'stack-overflow'));
  assert.equal(r?.kind, 'stack-overflow');
  assert.deepEqual(crashState(r, { kind: 'sanitizer', signal: 0 }).state, [
    'recurse',
    'recurse',
    'recurse',
  ]);
});

test('clang++-19: alloc-dealloc-mismatch points at the free, past the C++ runtime frame', () => {
  const src = fixture('triage', 'mismatch.cc');
  const r = parseSanitizerReport(crash(build('clang++-19', 'address', src), ''));
  assert.equal(r?.kind, 'alloc-dealloc-mismatch');
  expectAt(r, src, bugLine(src, 'alloc-dealloc-mismatch'), 'release(char*)');
  assert.match(r?.stacks[0]?.frames[0]?.func ?? '', /^operator new\[\]/);
});

test('clang-19: UBSan signed overflow with its stack', () => {
  const out = crash(build('clang-19', 'undefined'), 'ubsan-overflow', {
    UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  });
  const r = parseSanitizerReport(out);
  assert.equal(r?.kind, 'signed-integer-overflow');
  assert.ok((r?.frames.length ?? 0) > 1, 'the stack replaced the location line');
  expectAt(r, source, bugLine(source, 'ubsan-overflow'), 'signed_overflow');
});

test('clang-19: MemorySanitizer use of an uninitialized value', () => {
  const r = parseSanitizerReport(crash(build('clang-19', 'memory'), 'msan'));
  assert.equal(r?.tool, 'MemorySanitizer');
  assert.equal(r?.kind, 'use-of-uninitialized-value');
  expectAt(r, source, bugLine(source, 'msan'), 'uninit');
});

describe('symbolization of reports printed without symbols', () => {
  const symbolizer = new LlvmSymbolizer(symbolizerPath);
  after(() => symbolizer.close());

  for (const compiler of ['clang-19', 'gcc-12']) {
    test(`${compiler}: module+offset frames get their file and line back`, async () => {
      const bin = build(compiler, 'address');
      const raw = parseSanitizerReport(crash(bin, 'heap-write', { ASAN_OPTIONS: 'symbolize=0' }));
      assert.ok(raw);
      assert.equal(firstUserFrame(raw.frames), undefined, 'no symbols before');
      const r = await symbolizeReport(raw, symbolizer);
      expectAt(r, source, bugLine(source, 'heap-write'), 'heap_write');
      assert.equal(
        r.stacks[0]?.frames.find((f) => f.func === 'heap_write')?.line,
        bugLine(source, 'heap-write') - 1,
      );
    });
  }

  test('the build-id read from the ELF note matches llvm-readelf', () => {
    for (const compiler of ['clang-19', 'gcc-12']) {
      const bin = build(compiler, 'address');
      const notes = execFileSync('llvm-readelf-19', ['-n', bin], { encoding: 'utf8' });
      const id = /Build ID: ([0-9a-f]+)/.exec(notes)?.[1];
      assert.ok(id !== undefined, `${compiler} writes a build-id`);
      assert.equal(readBuildId(bin), id);
    }
    assert.equal(readBuildId(source), undefined, 'not ELF');
  });
});
