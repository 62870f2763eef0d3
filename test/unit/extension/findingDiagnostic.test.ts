// Finding → diagnostic: first user frame, message, related frames and stacks, stable code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  findingCode,
  findingMessage,
  findingToDiagnostic,
  isUserFrame,
  readableSummary,
} from '../../../src/extension/problems/findingDiagnostic';
import { ROOT, finding } from './fixtures';

test('the diagnostic sits at the first frame inside the workspace, skipping sanitizer frames', () => {
  const d = findingToDiagnostic(finding(), [ROOT]);
  assert.ok(d);
  assert.deepEqual([d.file, d.line, d.column], [`${ROOT}/device.c`, 76, 54]);
  assert.equal(d.artifact, finding().artifact);
});

test('frames outside every workspace folder, or of runtime functions, are not user frames', () => {
  assert.equal(
    isUserFrame({ function: 'dma_start', file: '/elsewhere/device.c', line: 3 }, [ROOT]),
    false,
  );
  assert.equal(
    isUserFrame({ function: 'dma_start', file: `${ROOT}/device.c`, line: 3 }, [ROOT]),
    true,
  );
  // A prefix of the folder name is not the folder.
  assert.equal(isUserFrame({ function: 'f', file: `${ROOT}2/x.c`, line: 3 }, [ROOT]), false);
  assert.equal(
    isUserFrame({ function: '__asan_memcpy', file: `${ROOT}/vendor/asan.c`, line: 3 }, [ROOT]),
    false,
  );
  assert.equal(
    isUserFrame({ function: 'x', file: `${ROOT}/third_party/compiler-rt/lib/a.c`, line: 3 }, [
      ROOT,
    ]),
    false,
  );
  assert.equal(isUserFrame({ function: 'f', file: `${ROOT}/a.c` }, [ROOT]), false);
});

test('message is type, access and summary', () => {
  assert.equal(
    findingMessage(finding()),
    'heap-use-after-free READ of size 4: AddressSanitizer: heap-use-after-free device.c:76:54 in dma_start',
  );
  assert.equal(
    findingMessage(
      finding({ type: 'SIGSEGV', access: undefined, summary: undefined, headline: undefined }),
    ),
    'SIGSEGV',
  );
  assert.equal(
    findingMessage(finding({ type: 'stack-overflow', access: { op: 'WRITE' }, summary: 's' })),
    'stack-overflow WRITE: s',
  );
});

test('an unsymbolized SUMMARY loses its binary offset and build id', () => {
  assert.equal(
    readableSummary(
      'AddressSanitizer: heap-buffer-overflow (/w/.fuzzwb/build/device/device+0x1c2f3) ' +
        '(BuildId: 9f1e2d3c4b5a) in device_write',
    ),
    'AddressSanitizer: heap-buffer-overflow in device_write',
  );
  assert.equal(
    readableSummary('AddressSanitizer: SEGV a.c:3:1 in f'),
    'AddressSanitizer: SEGV a.c:3:1 in f',
  );
});

test('related information lists every frame with a line, then the free and allocation stacks', () => {
  const d = findingToDiagnostic(finding(), [ROOT]);
  assert.deepEqual(
    d?.related.map((r) => `${r.message} @ ${r.file.split('/').pop()}:${r.line}:${r.column}`),
    [
      '#0 __asan_memcpy @ asan_interceptors.cpp:63:1',
      '#1 dma_start @ device.c:76:54',
      '#2 device_write @ device.c:120:3',
      '#3 LLVMFuzzerTestOneInput @ device_fuzz.c:12:5',
      'freed by thread T0: #0 free @ asan_malloc_linux.cpp:52:1',
      'freed by thread T0: #1 fifo_reset @ device.c:40:3',
      'previously allocated by thread T0: #1 fifo_init @ device.c:30:1',
    ],
  );
});

test("our runtime's frames below the harness are not listed", () => {
  const base = finding();
  const withRuntime = finding({
    frames: [
      ...base.frames,
      { function: 'run_input', file: '/opt/fuzzwb/native/runtime/child.c', line: 35, column: 13 },
    ],
  });
  const d = findingToDiagnostic(withRuntime, [ROOT]);
  assert.equal(d?.related.length, findingToDiagnostic(base, [ROOT])?.related.length);
  assert.ok(d?.related.every((r) => !r.file.includes('/native/runtime/')));
});

test('outside the workspace the first non-system frame is used, then any frame with a line', () => {
  const d = findingToDiagnostic(finding(), ['/other']);
  assert.equal(d?.file, `${ROOT}/device.c`);
  const systemOnly = finding({ frames: finding().frames.slice(0, 1) });
  assert.equal(
    findingToDiagnostic(systemOnly, [ROOT])?.file,
    '/src/llvm/compiler-rt/lib/asan/asan_interceptors.cpp',
  );
  const noLines = finding({ frames: [{ function: 'main' }], stacks: [] });
  assert.equal(findingToDiagnostic(noLines, [ROOT]), undefined);
});

test('the code is a stable short hash of type and crash state, not of the input', () => {
  const a = findingCode(finding());
  assert.match(a, /^[0-9a-f]{8}$/);
  assert.equal(findingCode(finding({ artifact: '/x/crash-b', hitCount: 99 })), a);
  assert.notEqual(findingCode(finding({ crashState: ['other'] })), a);
});

test('a leak sits at its allocation in the user code, with the leak stack related', () => {
  const alloc = [
    { function: '__interceptor_malloc', file: '/src/llvm/compiler-rt/lib/asan/m.cpp', line: 68 },
    { function: 'leaky_copy', file: `${ROOT}/leak_fuzz.c`, line: 14, column: 16 },
    { function: 'LLVMFuzzerTestOneInput', file: `${ROOT}/leak_fuzz.c`, line: 26, column: 5 },
  ];
  const leak = finding({
    artifact: `${ROOT}/findings/leak-${'b'.repeat(40)}`,
    sanitizer: 'LeakSanitizer',
    type: 'memory-leak',
    access: undefined,
    address: undefined,
    headline: 'LeakSanitizer: detected memory leaks',
    summary: 'AddressSanitizer: 5 byte(s) leaked in 1 allocation(s).',
    crashState: ['leaky_copy'],
    frames: alloc,
    stacks: [{ title: 'Direct leak of 5 byte(s) in 1 object(s) allocated from', frames: alloc }],
  });
  const d = findingToDiagnostic(leak, [ROOT]);
  assert.ok(d);
  assert.deepEqual([d.file, d.line, d.column], [`${ROOT}/leak_fuzz.c`, 14, 16]);
  assert.equal(d.message, 'memory-leak: AddressSanitizer: 5 byte(s) leaked in 1 allocation(s).');
  assert.ok(
    d.related.some(
      (r) => r.message === 'Direct leak of 5 byte(s) in 1 object(s) allocated from: #1 leaky_copy',
    ),
  );
});
