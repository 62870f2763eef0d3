// Table tests of input-to-state variants, and of which pairs an input left in the table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FWB_CMP_CONST, readCmpTable, type CmpPair } from '../../../src/engine/fuzz/cmpTable';
import {
  inputToStateSites,
  inputToStateVariants,
  pairsAfterRun,
  sites,
} from '../../../src/engine/fuzz/inputToState';
import { cmpTableOf } from './fakeCmpTarget';

const hex = (b: Buffer): string => b.toString('hex');
const pair = (a: bigint, b: bigint, size: number): CmpPair => ({
  a,
  b,
  size,
  flags: FWB_CMP_CONST,
  slot: 0,
  order: 0,
});
/** A compare of two computed values (no compile-time constant), such as `len > size - at`. */
const computed = (a: bigint, b: bigint, size: number): CmpPair => ({
  ...pair(a, b, size),
  flags: 0,
});

const CASES: { name: string; input: string; pairs: CmpPair[]; limit?: number; want: string[] }[] = [
  {
    name: 'little-endian operand replaced, with +/-1',
    input: '0011223344',
    pairs: [pair(0xdeadbeefn, 0x44332211n, 4)],
    want: ['00efbeadde', '00f0beadde', '00eebeadde'],
  },
  {
    name: 'big-endian operand replaced, with +/-1',
    input: '1122334455',
    pairs: [pair(0xcafen, 0x3344n, 2)],
    want: ['1122cafe55', '1122caff55', '1122cafd55'],
  },
  {
    name: 'either operand may come from the input',
    input: 'aaaa0102',
    pairs: [pair(0x0201n, 0x7777n, 2)],
    want: ['aaaa7777', 'aaaa7877', 'aaaa7677'],
  },
  {
    name: 'every site of the pattern, one at a time',
    input: '0a0b0a0b',
    pairs: [pair(0x0102n, 0x0b0an, 2)],
    // 0a0b is at 0 and 2 little-endian; 0b0a, big-endian, straddles them at 1.
    want: [
      '02010a0b',
      '03010a0b',
      '01010a0b',
      '0a0b0201',
      '0a0b0301',
      '0a0b0101',
      '0a01020b',
      '0a01030b',
      '0a01010b',
    ],
  },
  {
    name: 'wrap-around at the width',
    input: '00ff',
    pairs: [pair(0xffffn, 0xff00n, 2)],
    want: ['ffff', '0000', 'feff'],
  },
  {
    name: 'operands absent from the input give nothing',
    input: '00112233',
    pairs: [pair(0x1234n, 0x5678n, 2)],
    want: [],
  },
  {
    name: 'single-byte compares: the constant written, and one above (one below is the input)',
    input: '41',
    pairs: [pair(0x42n, 0x41n, 1)],
    limit: 2,
    want: ['42', '43'],
  },
  {
    name: 'an operand the input held only in part is written at full width, the input growing',
    input: '1122',
    pairs: [pair(0x11223344n, 0x2211n, 4)],
    want: ['44332211'],
  },
  {
    name: 'a data provider that ran out: the bytes it read at the front become the whole value',
    // Integers are read from the end; the 32-bit key got the first two bytes only (0x0201).
    input: '0102aabbcc',
    pairs: [pair(0xfeedbeefn, 0x0201n, 4)],
    want: ['efbeedfeaabbcc'],
  },
  {
    name: 'an operand that fits its narrower form in both is not widened',
    input: '05aa',
    pairs: [pair(0x09n, 0x05n, 4)],
    limit: 3,
    want: ['09aa', '0aaa', '08aa'],
  },
  {
    name: 'a wide compare of small values is tried at the narrower widths too',
    input: 'aa05ff',
    pairs: [pair(0x09n, 0x05n, 8)],
    limit: 3,
    want: ['aa09ff', 'aa0aff', 'aa08ff'],
  },
  {
    name: 'pairs take turns, so a pair with many sites does not use up the limit',
    input: '0a0a0a0a0a0a0a0a0a0a0a0a77',
    pairs: [pair(0x0bn, 0x0an, 1), pair(0x78n, 0x77n, 1)],
    limit: 2,
    want: ['0b0a0a0a0a0a0a0a0a0a0a0a77', '0a0a0a0a0a0a0a0a0a0a0a0a78'],
  },
  {
    name: "after the first round, every pair's first variant together (compares joined by ||)",
    input: 'aaaa11223344',
    pairs: [pair(0x5a17n, 0xaaaan, 2), pair(0xfeedbeefn, 0x44332211n, 4)],
    limit: 3,
    want: ['175a11223344', 'aaaaefbeedfe', '175aefbeedfe'],
  },
  {
    name: 'a small value written may be a length: the variant grows by that many bytes, last',
    input: '00aa',
    pairs: [pair(0x3n, 0x0n, 1)],
    want: ['03aa', '04aa', '02aa', '03aa03aa03'],
  },
  {
    name: 'compares of trivial values only (0, 1, -1) are skipped',
    input: '00000001',
    pairs: [pair(0x0n, 0x1n, 4)],
    want: [],
  },
  {
    name: 'duplicates and the input itself are dropped',
    input: '0100',
    pairs: [pair(0x0002n, 0x0001n, 2), pair(0x0002n, 0x0001n, 2)],
    // 0x0002 - 1 is the input again; last, the input grown by the 2 its length field now says.
    want: ['0200', '0300', '02000200'],
  },
  {
    name: 'a computed bound is also tried two below, after the grown variants',
    input: '0000000009aa',
    pairs: [computed(0x05n, 0x09n, 4)],
    limit: 5,
    want: [
      '0000000005aa',
      '0000000006aa',
      '0000000004aa',
      '0000000005aa0000000005',
      '0000000003aa',
    ],
  },
  {
    name: 'limit',
    input: '0011223344',
    pairs: [pair(0xdeadbeefn, 0x44332211n, 4)],
    limit: 2,
    want: ['00efbeadde', '00f0beadde'],
  },
];

for (const c of CASES) {
  test(`inputToState: ${c.name}`, () => {
    const input = Buffer.from(c.input, 'hex');
    const out = inputToStateVariants(input, c.pairs, c.limit ?? 100).map(hex);
    assert.deepEqual(out, c.want);
    assert.equal(hex(input), c.input, 'the input itself is never modified');
  });
}

test('inputToState caps the sites of one pattern', () => {
  const input = Buffer.alloc(64);
  const out = inputToStateVariants(input, [pair(0x4141n, 0n, 2)], 1000);
  // 8 sites, 3 deltas little-endian; big-endian 0x4141 repeats, 0x4142 and 0x4140 do not.
  assert.equal(out.length, 8 * 5);
});

test('inputToState sites: the first and the last ones when there are too many', () => {
  const data = Buffer.from('ab'.repeat(10), 'hex');
  assert.deepEqual(sites(data, Buffer.from('ab', 'hex'), 4), [0, 1, 8, 9]);
  assert.deepEqual(sites(data, Buffer.from('ab', 'hex'), 20), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(sites(data, Buffer.from('cd', 'hex'), 4), []);
});

test('inputToState sites: overlapping occurrences, counted at every byte or a width apart', () => {
  // Zeros at 0-8 and 11-15: a two-byte zero starts at 0-7 and 11-14.
  const data = Buffer.concat([Buffer.alloc(9), Buffer.from('abab', 'hex'), Buffer.alloc(5)]);
  const zero = Buffer.alloc(2);
  assert.deepEqual(sites(data, zero, 5), [0, 1, 2, 13, 14]);
  assert.deepEqual(sites(data, zero, 12), [0, 1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14]);
  // One too many: the first six and the last five, the sixth-last (6) left out.
  assert.deepEqual(sites(data, zero, 11), [0, 1, 2, 3, 4, 5, 7, 11, 12, 13, 14]);
  // Apart: 0, 2, 4, 6 and 11, 13, whichever end they are counted from.
  assert.deepEqual(sites(data, zero, 5, true), [0, 2, 4, 11, 13]);
  assert.deepEqual(sites(data, zero, 6, true), [0, 2, 4, 6, 11, 13]);
});

test('pairsAfterRun puts the slots the run changed first', () => {
  const before = cmpTableOf({
    2: { a: 5n, b: 6n, size: 4 },
    7: { a: 0xdeadbeefn, b: 0x11n, size: 4, flags: FWB_CMP_CONST },
  });
  const after = cmpTableOf({
    2: { a: 5n, b: 6n, size: 4 },
    7: { a: 0xdeadbeefn, b: 0x22n, size: 4, flags: FWB_CMP_CONST },
    9: { a: 9n, b: 10n, size: 2 },
  });
  assert.deepEqual(
    pairsAfterRun(before, after).map((p) => p.slot),
    [7, 9, 2],
  );
  assert.equal(readCmpTable(after).length, 3);
});

test('for chains the last compare goes first, exact at its sites apart, and the input grows', () => {
  // A 4-byte big-endian length at 28, inside a fill of 0xa7 from 0 to 40, compared as size_t
  // with what is left of the input (0x12): `len > size - at`.
  const input = Buffer.concat([Buffer.alloc(40, 0xa7), Buffer.from('aabb', 'hex')]);
  const last = { ...computed(0x12n, 0xa7a7a7a7n, 8), order: 9, slot: 1 };
  const earlier = { ...pair(0x50n, 0xbbn, 1), order: 3, slot: 2 };
  const lead = inputToStateSites(input, [last, earlier], 64, true);
  const plain = inputToStateSites(input, [last, earlier], 64);
  const at28 = (vs: typeof lead): number =>
    vs.findIndex((v) => v.site.at === 28 && v.site.size === 4 && v.input.readUInt32BE(28) === 0x12);
  // Plain counts overlapping sites, the first eight: 28 is not among them.
  assert.equal(at28(plain), -1);
  // The lead pair's exact values come site by site, 4 bytes apart, in both byte orders.
  assert.ok(at28(lead) >= 0 && at28(lead) < 64 / 4, `at ${at28(lead)}`);
  // Second for a pair of small values: the input grown by their difference.
  const grownBy = lead.find((v) => v.site.slot === 2 && v.site.size === 0);
  assert.equal(grownBy?.input.length, input.length + 0xbb - 0x50);
});

test('for chains an equal compare among the last ones moves its field to nearby values', () => {
  // `if (len == 0) return -1;` with a big-endian length of 0 at 1: recorded equal, last.
  const input = Buffer.from('aa00000000bb', 'hex');
  const rejected = { ...pair(0n, 0n, 4), order: 5, slot: 3 };
  const out = inputToStateSites(input, [rejected], 64, true).map((v) => hex(v.input));
  // A length of 3 with 3 bytes more for it to hold, and 3 alone.
  assert.ok(out.includes('aa00000003bb'), out.join(' '));
  assert.ok(out.includes('aa00000003bbaa0000'), out.join(' '));
  // Plain input-to-state skips equal (and trivial) pairs.
  assert.deepEqual(inputToStateSites(input, [rejected], 64), []);
});

test('for chains a range check is met where the input holds the operand plus its lower bound', () => {
  // `len >= 1 && len <= 16` compiles to `len - 1 < 16`: the operand 0x1f is nowhere, len 0x20 is.
  const input = Buffer.from('7e4120aa', 'hex');
  const check = { ...pair(0x10n, 0x1fn, 1), order: 4, slot: 5 };
  const out = inputToStateSites(input, [check], 64, true).map((v) => hex(v.input));
  assert.ok(out.includes('7e4110aa'), out.join(' '));
  assert.deepEqual(inputToStateSites(input, [check], 64), []);
});

test('a length written inside nested records also grows them, in place', () => {
  // Section 'S' (16-bit length 4), group 2 (length 2), item 'I' of length 0; `len != 4` wants 4.
  const input = Buffer.from([0x53, 0x04, 0x00, 0x02, 0x02, 0x49, 0x00]);
  const variants = inputToStateVariants(input, [pair(4n, 0n, 1)], 64);
  // The section, the group and the item each end where the input does.
  const nests = (v: Buffer): boolean =>
    v[6] === 4 && 3 + v.readUInt16LE(1) === v.length && 5 + (v[4] ?? 0) === v.length;
  assert.ok(variants.some(nests), variants.map(hex).join(' '));
});
