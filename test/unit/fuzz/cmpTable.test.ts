// Token extraction from a synthetic trace-cmp table laid out like struct fwb_cmp_slot[].
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nonZeroBytes } from '../../../src/engine/fuzz/loop';
import {
  CMP_SLOT_BYTES,
  CmpHarvester,
  FWB_CMP_CONST,
  intBytes,
  isTrivial,
  pairTokens,
  readCmpTable,
  TokenSet,
} from '../../../src/engine/fuzz/cmpTable';
import { cmpTableOf, type Slot } from './fakeCmpTarget';

const hex = (b: Buffer): string => b.toString('hex');

test('readCmpTable returns filled slots only, with their fields', () => {
  const t = cmpTableOf({
    3: { a: 0xdeadbeefn, b: 7n, size: 4, flags: FWB_CMP_CONST },
    9: { a: 1n, b: 2n, size: 8 },
    10: { a: 5n, b: 6n, size: 3 },
  });
  const pairs = readCmpTable(t);
  assert.deepEqual(
    pairs.map((p) => [p.slot, p.a, p.b, p.size, p.flags]),
    [
      [3, 0xdeadbeefn, 7n, 4, FWB_CMP_CONST],
      [9, 1n, 2n, 8, 0],
    ],
  );
});

const TRIVIAL: [bigint, number, boolean][] = [
  [0n, 4, true],
  [1n, 8, true],
  [0xffffn, 2, true],
  [0xffffffffn, 4, true],
  [0xffffffffffffffffn, 8, true],
  [0xffffffffn, 8, false],
  [2n, 4, false],
  [0xdeadbeefn, 4, false],
  [0x1_0000_0001n, 4, true],
];

for (const [v, size, want] of TRIVIAL) {
  test(`isTrivial(0x${v.toString(16)}, ${size}) = ${want}`, () => {
    assert.equal(isTrivial(v, size), want);
  });
}

test('intBytes writes both byte orders and truncates to the width', () => {
  assert.equal(hex(intBytes(0xdeadbeefn, 4, true)), 'efbeadde');
  assert.equal(hex(intBytes(0xdeadbeefn, 4, false)), 'deadbeef');
  assert.equal(hex(intBytes(0x123456n, 2, true)), '5634');
  assert.equal(hex(intBytes(-1n, 2, false)), 'ffff');
});

const TOKENS: { name: string; slot: Slot; want: string[] }[] = [
  {
    name: 'constant: only arg1, both orders',
    slot: { a: 0xdeadbeefn, b: 0x41414141n, size: 4, flags: FWB_CMP_CONST },
    want: ['efbeadde', 'deadbeef'],
  },
  {
    name: 'two variables: both operands',
    slot: { a: 0x1234n, b: 0xabcdn, size: 2 },
    want: ['3412', '1234', 'cdab', 'abcd'],
  },
  {
    name: 'trivial operands skipped',
    slot: { a: 0n, b: 0x0102030405060708n, size: 8 },
    want: ['0807060504030201', '0102030405060708'],
  },
  {
    name: 'palindromic bytes give one token',
    slot: { a: 0x7a7an, b: 1n, size: 2 },
    want: ['7a7a'],
  },
  { name: 'single bytes give none', slot: { a: 0x41n, b: 0x42n, size: 1 }, want: [] },
];

for (const c of TOKENS) {
  test(`pairTokens: ${c.name}`, () => {
    const [p] = readCmpTable(cmpTableOf({ 0: c.slot }));
    assert.ok(p !== undefined);
    assert.deepEqual(pairTokens(p).map(hex), c.want);
  });
}

test('TokenSet deduplicates, refreshes a repeat and drops the least recent past its limit', () => {
  const s = new TokenSet(3);
  assert.equal(s.add(Buffer.from('a')), true);
  assert.equal(s.add(Buffer.from('b')), true);
  assert.equal(s.add(Buffer.from('a')), false);
  assert.equal(s.add(Buffer.from('c')), true);
  assert.equal(s.add(Buffer.from('d')), true);
  assert.equal(s.add(Buffer.alloc(0)), false);
  assert.deepEqual(
    s.tokens().map((t) => t.toString()),
    ['a', 'c', 'd'],
  );
  assert.equal(s.size, 3);
});

test('TokenSet keeps its own copy of a token', () => {
  const s = new TokenSet(4);
  const b = Buffer.from('xy');
  s.add(b);
  b[0] = 0x7a;
  assert.equal(s.tokens()[0]?.toString(), 'xy');
});

test('CmpHarvester decodes only slots that changed since the last harvest', () => {
  const h = new CmpHarvester(new TokenSet(16));
  const t = cmpTableOf({ 1: { a: 0xcafebaben, b: 3n, size: 4, flags: FWB_CMP_CONST } });
  assert.equal(h.harvest(t), 2);
  assert.equal(h.harvest(t), 0);
  // A token pushed out of the set is not learned again while its slot stays the same.
  for (let i = 0; i < 16; i++) h.tokens.add(Buffer.from([i, 0xaa]));
  assert.equal(h.harvest(t), 0);
  t.writeBigUInt64LE(0x0badf00dn, 1 * CMP_SLOT_BYTES);
  assert.equal(h.harvest(t), 2);
  assert.ok(h.tokens.tokens().some((x) => hex(x) === '0df0ad0b'));
});

test('nonZeroBytes counts the set bytes of a map, at any offset and length', () => {
  const backing = Buffer.alloc(4103);
  for (const at of [0, 1, 2, 3, 7, 1024, 4096, 4102]) backing[at] = (at % 250) + 1;
  for (const start of [0, 1, 3]) {
    const view = backing.subarray(start);
    const want = [...view].filter((b) => b !== 0).length;
    assert.equal(nonZeroBytes(view), want);
  }
  assert.equal(nonZeroBytes(Buffer.alloc(0)), 0);
});

test("a slot's flags word holds the flags below bit 8 and the compare's order above", () => {
  const t = cmpTableOf({ 2: { a: 9n, b: 3n, size: 4, flags: FWB_CMP_CONST | (37 << 8) } });
  const [p] = readCmpTable(t);
  assert.equal(p?.flags, FWB_CMP_CONST);
  assert.equal(p?.order, 37);
});
