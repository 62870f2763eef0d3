// PC table decoding: module index, offset, function-entry bit, truncated and foreign data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePcTable, encodePc } from '../../../src/engine/coverage/pcTable';
import type { ModuleInfo } from '../../../src/engine/native/types';

const mod = (path: string): ModuleInfo => ({
  path,
  base: 0n,
  counterStart: 0,
  counterCount: 0,
  flags: 0,
});

function table(values: bigint[]): Buffer {
  const b = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => b.writeBigUInt64LE(v, i * 8));
  return b;
}

test('entries decode to module, offset and function entry', () => {
  const cases: { pc: bigint; want: { module: number; offset: number; funcEntry: boolean } }[] = [
    { pc: encodePc(0, 0x1234), want: { module: 0, offset: 0x1234, funcEntry: false } },
    {
      pc: encodePc(1, 0xabcdef012345, true),
      want: { module: 1, offset: 0xabcdef012345, funcEntry: true },
    },
    { pc: encodePc(0, 0xffffffff), want: { module: 0, offset: 0xffffffff, funcEntry: false } },
  ];
  for (const c of cases) {
    const { entries, warnings } = decodePcTable(table([c.pc]), [mod('/a'), mod('/b')], 0, 1);
    assert.deepEqual(warnings, []);
    assert.deepEqual(entries, [{ counter: 0, ...c.want }]);
  }
});

test('zero entries (gcc slots not yet hit) are skipped', () => {
  const { entries } = decodePcTable(table([0n, encodePc(0, 8), 0n]), [mod('/a')], 0, 3);
  assert.deepEqual(
    entries.map((e) => e.counter),
    [1],
  );
});

test('a truncated table decodes what it has and says so', () => {
  const full = table([encodePc(0, 1), encodePc(0, 2), encodePc(0, 3)]);
  const { entries, warnings } = decodePcTable(full.subarray(0, 20), [mod('/a')], 0, 3);
  assert.deepEqual(
    entries.map((e) => e.offset),
    [1, 2],
  );
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0] ?? '',
    /PC table truncated: 20 bytes hold 2 entries, 3 counters need them/,
  );
});

test('PCs of modules the table does not list are foreign: skipped, counted, reported', () => {
  const { entries, warnings } = decodePcTable(
    table([encodePc(0, 1), encodePc(7, 2), encodePc(9, 3)]),
    [mod('/a')],
    0,
    3,
  );
  assert.deepEqual(
    entries.map((e) => e.offset),
    [1],
  );
  assert.match(warnings[0] ?? '', /^2 PC table entries name a module .*first at counter 1/);
});

test('the range limits what is decoded', () => {
  const { entries } = decodePcTable(
    table([encodePc(0, 1), encodePc(0, 2), encodePc(0, 3)]),
    [mod('/a')],
    1,
    2,
  );
  assert.deepEqual(
    entries.map((e) => e.counter),
    [1],
  );
});
