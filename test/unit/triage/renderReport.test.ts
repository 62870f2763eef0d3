// Unit tests of re-rendering an unsymbolized report with resolved frames.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderSymbolized } from '../../../src/engine/triage/renderReport';
import type { SanitizerReport } from '../../../src/engine/triage/sanitizerReport';

const RAW = [
  '==7==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x1 at pc 0x2 bp 0x3 sp 0x4',
  'READ of size 1 at 0x1 thread T0',
  '    #0 0x55a0 (/t/dev+0x1a0) (BuildId: abcd)',
  '    #1 0x55b0 (/t/dev+0x2b0) (BuildId: abcd)',
  '    #2 0x7f00 (/lib/x86_64-linux-gnu/libc.so.6+0x2724a) (BuildId: ef)',
  'SUMMARY: AddressSanitizer: heap-buffer-overflow (/t/dev+0x1a0)',
].join('\n');

function report(): SanitizerReport {
  const base = { tool: 'AddressSanitizer', kind: 'heap-buffer-overflow', headline: '', stacks: [] };
  return {
    ...base,
    frames: [
      {
        index: 0,
        pc: '0x55a0',
        func: 'dma_start',
        file: '/src/device.c',
        line: 76,
        column: 54,
        module: '/t/dev',
        offset: '0x1a0',
      },
      {
        index: 1,
        pc: '0x55b0',
        func: 'inner',
        file: '/src/device.c',
        line: 10,
        module: '/t/dev',
        offset: '0x2b0',
        inlined: true,
      },
      {
        index: 1,
        pc: '0x55b0',
        func: 'device_write',
        file: '/src/device.c',
        line: 129,
        column: 7,
        module: '/t/dev',
        offset: '0x2b0',
      },
      {
        index: 2,
        pc: '0x7f00',
        func: '??',
        module: '/lib/x86_64-linux-gnu/libc.so.6',
        offset: '0x2724a',
      },
    ],
  };
}

test('resolved frames replace their lines, inlined calls expand, the rest is kept', () => {
  const out = renderSymbolized(RAW, report()).split('\n');
  assert.equal(out[0], RAW.split('\n')[0]);
  assert.equal(out[2], '    #0 0x55a0 in dma_start /src/device.c:76:54');
  assert.equal(out[3], '    #1 0x55b0 in inner /src/device.c:10');
  assert.equal(out[4], '    #1 0x55b0 in device_write /src/device.c:129:7');
  assert.equal(out[5], RAW.split('\n')[4], 'an unresolved libc frame stays as printed');
  assert.equal(out.at(-1), RAW.split('\n').at(-1));
});

test('a report with nothing resolved comes back unchanged', () => {
  const r = report();
  r.frames = r.frames.map((f) => ({
    index: f.index,
    pc: f.pc,
    func: '??',
    module: f.module,
    offset: f.offset,
  }));
  assert.equal(renderSymbolized(RAW, r), RAW);
});
