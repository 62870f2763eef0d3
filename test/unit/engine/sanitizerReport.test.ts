// Unit tests of the sanitizer report parser and the user-frame filter, on a report a real target printed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseSanitizerReport } from '../../../src/engine/triage/sanitizerReport';
import { fixture } from '../../helpers/paths';
import { describeFrame, firstUserFrame, isUserFrame } from '../../../src/engine/triage/userFrames';

const heap = readFileSync(fixture('reports', 'asan-heap-overflow.txt'), 'utf8');

test('an ASan heap overflow: kind, access, address, crashing stack and summary', () => {
  const r = parseSanitizerReport(heap);
  assert.ok(r);
  assert.equal(r.tool, 'AddressSanitizer');
  assert.equal(r.kind, 'heap-buffer-overflow');
  assert.equal(r.address, '0x502000000020');
  assert.deepEqual(r.access, { op: 'READ', size: 1 });
  assert.equal(r.frames.length, 7, 'only the first stack, not the allocation stack');
  assert.deepEqual(
    {
      func: r.frames[0]?.func,
      file: r.frames[0]?.file,
      line: r.frames[0]?.line,
      column: r.frames[0]?.column,
    },
    { func: 'dma_start', file: '/src/project/examples/device/device.c', line: 76, column: 54 },
  );
  assert.equal(r.frames[6]?.func, '_start');
  assert.equal(r.frames[6]?.module, '/tmp/devtest/dev');
  assert.match(r.summary ?? '', /^heap-buffer-overflow .*device\.c:76:54 in dma_start$/);
});

test('the first user frame skips runtime and libc frames', () => {
  const r = parseSanitizerReport(heap);
  assert.ok(r);
  const top = firstUserFrame(r.frames);
  assert.equal(top?.func, 'dma_start');
  assert.equal(describeFrame(top), '/src/project/examples/device/device.c:76:54 in dma_start');
  assert.equal(isUserFrame(r.frames[4]!), false, '__libc_start_call_main');
  assert.equal(
    isUserFrame({
      index: 0,
      pc: '0x1',
      func: '__asan_memcpy',
      file: '/x/asan_interceptors.cpp',
      line: 1,
    }),
    false,
  );
  assert.equal(
    isUserFrame({ index: 0, pc: '0x1', func: 'f', file: '/llvm/compiler-rt/lib/x.c', line: 1 }),
    false,
  );
});

test('truncated, empty and noisy text never throw', () => {
  const cut = heap.slice(0, heap.indexOf('#2'));
  const r = parseSanitizerReport(cut);
  assert.equal(r?.kind, 'heap-buffer-overflow');
  assert.ok((r?.frames.length ?? 0) >= 1);
  assert.equal(parseSanitizerReport(''), undefined);
  assert.equal(parseSanitizerReport('\u0000\uffff random noise\n#0 not a frame'), undefined);
  const noisy = `${'x'.repeat(100000)}\n${heap}`;
  assert.equal(parseSanitizerReport(noisy)?.kind, 'heap-buffer-overflow');
});

test('a UBSan runtime error and a SEGV headline', () => {
  const ub = parseSanitizerReport(
    '/src/a.c:3:5: runtime error: signed integer overflow: 2147483647 + 1\n    #0 0x4 in f /src/a.c:3:5\n',
  );
  assert.equal(ub?.tool, 'UndefinedBehaviorSanitizer');
  assert.equal(ub?.frames[0]?.func, 'f');
  const segv = parseSanitizerReport(
    '==1==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000 (pc 0x1 bp 0x2 sp 0x3 T0)\n',
  );
  assert.equal(segv?.kind, 'SEGV');
  assert.equal(segv?.address, '0x000000000000');
});
