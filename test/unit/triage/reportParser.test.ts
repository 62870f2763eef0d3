// The report parser on damaged input: truncated, interleaved, not UTF-8, buried in noise.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { leakStacks, parseSanitizerReport } from '../../../src/engine/triage/sanitizerReport';
import { fixture } from '../../helpers/paths';

// A report a real target printed (see test/fixtures/reports/).
const real = readFileSync(fixture('reports', 'asan-heap-overflow.txt'), 'utf8');

test('no report, empty and binary input give undefined and never throw', () => {
  assert.equal(parseSanitizerReport(''), undefined);
  assert.equal(parseSanitizerReport('hello\nworld\n'), undefined);
  assert.equal(parseSanitizerReport(Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a])), undefined);
});

test('a truncated report keeps what was printed before the cut', () => {
  const cut = real.slice(0, real.indexOf('#2 0x'));
  const r = parseSanitizerReport(cut);
  assert.ok(r);
  assert.equal(r.kind, 'heap-buffer-overflow');
  assert.deepEqual(r.access, { op: 'READ', size: 1 });
  assert.deepEqual(
    r.frames.map((f) => f.func),
    ['dma_start', 'device_write'],
  );
  assert.equal(r.summary, undefined);
  const headOnly = parseSanitizerReport(real.split('\n').slice(0, 2).join('\n'));
  assert.equal(headOnly?.frames.length, 0);
});

test('the allocation stack is kept apart from the crashing stack', () => {
  const r = parseSanitizerReport(real);
  assert.ok(r);
  assert.equal(r.stacks.length, 1);
  assert.equal(r.stacks[0]?.title, 'allocated by thread T0 here');
  assert.equal(r.stacks[0]?.frames[1]?.func, 'device_new');
});

test('lines of a second process interleaved into the report are left out', () => {
  const lines = real.split('\n');
  const mixed: string[] = [];
  for (const [i, line] of lines.entries()) {
    mixed.push(line);
    if (i === 4)
      mixed.push('==999==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000');
    if (i === 5) mixed.push('    #7 0x1234 in other_process /elsewhere.c:1:1');
  }
  const r = parseSanitizerReport(mixed.join('\n'));
  assert.ok(r);
  assert.equal(r.kind, 'heap-buffer-overflow');
  assert.equal(r.pid, 17861);
  assert.equal(r.frames.length, 7);
  assert.ok(r.frames.every((f) => f.func !== 'other_process'));
});

test('invalid UTF-8 and CRLF line ends around the report do not matter', () => {
  const junk = Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0x0a, 0xf0, 0x28, 0x8c, 0x28, 0x0a]);
  const crlf = Buffer.from(real.replace(/\n/g, '\r\n'));
  const r = parseSanitizerReport(Buffer.concat([junk, crlf, junk]));
  assert.equal(r?.frames[0]?.line, 76);
  assert.equal(r?.frames[0]?.column, 54);
});

test('10 MB of noise (with very long lines) before the report is skipped quickly', () => {
  const noise = `${'x'.repeat(5 << 20)}\n${'ERROR: not a report\n'.repeat(1000)}${'y'.repeat(5 << 20)}\n`;
  const t0 = performance.now();
  const r = parseSanitizerReport(noise + real);
  assert.ok(performance.now() - t0 < 2000, 'parsing stays linear');
  assert.equal(r?.frames[0]?.func, 'dma_start');
});

test('a fuzzwb deadly-signal report reads its backtrace_symbols frames', () => {
  const text = [
    '==42==ERROR: fuzzwb: deadly signal SIGSEGV on address 0x0',
    '/t/target(+0x33155)[0x55a95a9c0155]',
    '/lib/x86_64-linux-gnu/libc.so.6(+0x3c050)[0x7f01d2be2050]',
    '/t/target(+0x32304)[0x55a95a9bf304]',
    '/lib/x86_64-linux-gnu/libc.so.6(__libc_start_main+0x85)[0x7f01d2bcd305]',
    'SUMMARY: fuzzwb: deadly signal SIGSEGV',
  ].join('\n');
  const r = parseSanitizerReport(text);
  assert.ok(r);
  assert.equal(r.tool, 'fuzzwb');
  assert.equal(r.kind, 'SIGSEGV');
  assert.equal(r.address, '0x0');
  assert.deepEqual(
    r.frames.map((f) => [f.index, f.module, f.offset, f.func]),
    [
      [0, '/t/target', '0x33155', '??'],
      [1, '/lib/x86_64-linux-gnu/libc.so.6', '0x3c050', '??'],
      [2, '/t/target', '0x32304', '??'],
      [3, '/lib/x86_64-linux-gnu/libc.so.6', undefined, '__libc_start_main'],
    ],
  );
});

test('a UBSan error without a stack still has its location as frame 0', () => {
  const r = parseSanitizerReport(
    "/src/a.c:7:12: runtime error: shift exponent 40 is too large for 32-bit type 'int'\n" +
      'SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior /src/a.c:7:12\n',
  );
  assert.equal(r?.kind, 'shift');
  assert.deepEqual(
    [r?.frames[0]?.file, r?.frames[0]?.line, r?.frames[0]?.column],
    ['/src/a.c', 7, 12],
  );
});

test('frame lines: C++ names with spaces, unsymbolized modules, files without lines', () => {
  const r = parseSanitizerReport(
    [
      '==1==ERROR: AddressSanitizer: alloc-dealloc-mismatch (operator new [] vs free) on 0x502000000010',
      '    #0 0x1 in operator new[](unsigned long) (/t/x+0x10bbdd) (BuildId: b1b4)',
      '    #1 0x2 in ns::Widget<int, char>::poke(int) const /src/w.h:12:3',
      '    #2 0x3 (/t/x+0x2c330)',
      '    #3 0x4 in helper /src/plain.c',
      'SUMMARY: AddressSanitizer: alloc-dealloc-mismatch (/t/x+0xcb336) in free',
    ].join('\n'),
  );
  assert.ok(r);
  assert.equal(r.kind, 'alloc-dealloc-mismatch');
  assert.deepEqual(
    r.frames.map((f) => [f.func, f.file, f.line, f.module, f.offset]),
    [
      ['operator new[](unsigned long)', undefined, undefined, '/t/x', '0x10bbdd'],
      ['ns::Widget<int, char>::poke(int) const', '/src/w.h', 12, undefined, undefined],
      ['??', undefined, undefined, '/t/x', '0x2c330'],
      ['helper', '/src/plain.c', undefined, undefined, undefined],
    ],
  );
});

test('every leak of a LeakSanitizer report is a stack of its own', () => {
  const r = parseSanitizerReport(
    [
      '==5==ERROR: LeakSanitizer: detected memory leaks',
      '',
      'Direct leak of 32 byte(s) in 1 object(s) allocated from:',
      '    #0 0x1 in malloc (/t/x+0xcb5cf)',
      '    #1 0x2 in leak_a /src/l.c:3:19',
      '',
      'Indirect leak of 8 byte(s) in 1 object(s) allocated from:',
      '    #0 0x3 in malloc (/t/x+0xcb5cf)',
      '    #1 0x4 in leak_b /src/l.c:9:1',
      '',
      'SUMMARY: AddressSanitizer: 40 byte(s) leaked in 2 allocation(s).',
    ].join('\n'),
  );
  assert.ok(r);
  assert.equal(r.kind, 'memory-leak');
  assert.equal(r.frames[1]?.func, 'leak_a');
  assert.deepEqual(
    leakStacks(r).map((s) => [s.title, s.frames[1]?.func]),
    [
      ['Direct leak of 32 byte(s) in 1 object(s) allocated from', 'leak_a'],
      ['Indirect leak of 8 byte(s) in 1 object(s) allocated from', 'leak_b'],
    ],
  );
});
