// Crash state: type plus top user frames, with the built-in and configured skip lists.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crashState, parseSkipList } from '../../../src/engine/triage/crashState';
import type { SanitizerReport, StackFrame } from '../../../src/engine/triage/sanitizerReport';

const fr = (index: number, func: string, file?: string): StackFrame =>
  file !== undefined ? { index, pc: '0x1', func, file, line: 1 } : { index, pc: '0x1', func };

function report(frames: StackFrame[], kind = 'heap-buffer-overflow'): SanitizerReport {
  return {
    tool: 'AddressSanitizer',
    kind,
    headline: kind,
    access: { op: 'WRITE', size: 4 },
    frames,
    stacks: [],
  };
}

const crash = { kind: 'sanitizer' as const, signal: 0 };

test('sanitizer, libc, runtime and harness frames are skipped; three user frames remain', () => {
  const s = crashState(
    report([
      fr(0, '__asan_memcpy', '/llvm/compiler-rt/lib/asan/asan_interceptors.cpp'),
      fr(1, 'memcpy'),
      fr(2, 'copy_out', '/src/a.c'),
      fr(3, 'std::__1::vector<int>::push_back(int)', '/usr/include/c++/v1/vector'),
      fr(4, 'decode(char const*, unsigned long)', '/src/b.cc'),
      fr(5, 'parse', '/src/c.c'),
      fr(6, 'more', '/src/d.c'),
      fr(7, 'LLVMFuzzerTestOneInput', '/src/fuzz.c'),
      fr(8, 'fwb_child_main', '/repo/native/runtime/child.c'),
      fr(9, '__libc_start_call_main', 'csu/../sysdeps/nptl/libc_start_call_main.h'),
    ]),
    crash,
  );
  assert.equal(s.type, 'heap-buffer-overflow WRITE');
  assert.deepEqual(s.state, ['copy_out', 'decode', 'parse']);
  assert.equal(s.key, 'heap-buffer-overflow WRITE\ncopy_out\ndecode\nparse');
});

test('a bug in the harness itself keeps the harness frame', () => {
  const s = crashState(
    report([fr(0, 'LLVMFuzzerTestOneInput', '/src/f.c'), fr(1, 'main', '/src/m.c')]),
    crash,
  );
  assert.deepEqual(s.state, ['LLVMFuzzerTestOneInput']);
});

test('the configured skip list removes more frames; bad patterns are one clear error', () => {
  const frames = [fr(0, 'xmalloc_checked', '/src/util.c'), fr(1, 'parse', '/src/p.c')];
  assert.deepEqual(crashState(report(frames), crash).state, ['xmalloc_checked', 'parse']);
  const skip = parseSkipList('^xmalloc, /third_party/');
  assert.deepEqual(crashState(report(frames), crash, { skip }).state, ['parse']);
  assert.throws(() => parseSkipList('a,(b'), /not a regular expression in the skip list: \(b/);
});

test('signals and runs without a report: the type says how the run ended', () => {
  const segv = report([fr(0, 'f', '/src/f.c')], 'SEGV');
  assert.equal(crashState(segv, crash).type, 'SEGV');
  assert.equal(crashState(undefined, { kind: 'timeout', signal: 9 }).key, 'timeout');
  assert.equal(crashState(undefined, { kind: 'crash', signal: 11 }).type, 'signal 11');
});

test('unsymbolized frames never enter the state', () => {
  const frames: StackFrame[] = [
    { index: 0, pc: '0x1', func: '??', module: '/t/x', offset: '0x10' },
  ];
  assert.deepEqual(crashState(report(frames), crash).state, []);
});
