// Growing a record in place grows the length fields of the records around it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { intBytes } from '../../../src/engine/fuzz/cmpTable';
import { enclosingFields, grownInPlace } from '../../../src/engine/fuzz/lengthFields';

/** Section 'S' (16-bit LE length), group type 2 (8-bit length), item 'I' with an empty value. */
const NESTED = Buffer.from([0x53, 0x04, 0x00, 0x02, 0x02, 0x49, 0x00]);
/** Where the item's length sits. */
const ITEM_LEN = 6;

test('the section and group lengths around the item are taken for lengths, nothing else', () => {
  const fields = enclosingFields(NESTED, ITEM_LEN + 1, ITEM_LEN);
  assert.deepEqual(fields, [
    { at: 1, width: 2, le: true },
    { at: 4, width: 1, le: true },
  ]);
});

test('an item grown to four bytes in place grows its group and section by four', () => {
  const v = grownInPlace(NESTED, { at: ITEM_LEN, size: 1, le: true }, 0n, 4n, (x) =>
    intBytes(x, 1, true),
  );
  assert.ok(v !== undefined);
  assert.equal(v.length, NESTED.length + 4);
  assert.equal(v.readUInt16LE(1), 8, 'section length');
  assert.equal(v[4], 6, 'group length');
  assert.equal(v[ITEM_LEN], 4, 'item length');
  // The records still nest: the section ends where the input does, the group where the section does.
  assert.equal(3 + v.readUInt16LE(1), v.length);
  assert.equal(5 + (v[4] ?? 0), v.length);
});

test('a length grown in the middle puts the new bytes at the end of its old body', () => {
  // A section (16-bit length 9) holding a group of two items: 'N' with 2 bytes, then 'F' with 1.
  // The first item grows to 3.
  const input = Buffer.from([
    0x53, 0x09, 0x00, 0x02, 0x07, 0x4e, 0x02, 0x41, 0x42, 0x46, 0x01, 0x05,
  ]);
  const v = grownInPlace(input, { at: 6, size: 1, le: true }, 2n, 3n, (x) => intBytes(x, 1, true));
  assert.ok(v !== undefined);
  assert.equal(v.readUInt16LE(1), 10, 'section length');
  assert.equal(v[4], 8, 'group length');
  assert.equal(v[6], 3);
  assert.deepEqual([...v.subarray(7, 9)], [0x41, 0x42], 'the old value stays first');
  assert.deepEqual([...v.subarray(10)], [0x46, 0x01, 0x05], 'the next item follows unchanged');
});

test('nothing to grow: a smaller value, or an old body past the end of the input', () => {
  const write = (x: bigint): Buffer => intBytes(x, 1, true);
  assert.equal(grownInPlace(NESTED, { at: ITEM_LEN, size: 1, le: true }, 4n, 2n, write), undefined);
  assert.equal(
    grownInPlace(NESTED, { at: ITEM_LEN, size: 1, le: true }, 9n, 12n, write),
    undefined,
  );
});

test('a field that would overflow its width is left as it is', () => {
  // The outer length is 255, the most a byte holds: growing the inner record cannot grow it.
  const input = Buffer.alloc(256);
  input[0] = 0xff;
  input[1] = 0x03;
  input[2] = 0x01;
  const v = grownInPlace(input, { at: 2, size: 1, le: true }, 1n, 5n, (x) => intBytes(x, 1, true));
  assert.ok(v !== undefined);
  assert.equal(v[0], 0xff);
  assert.equal(v[1], 7, 'the inner record grew');
  assert.equal(v[2], 5);
  assert.equal(v.length, 260);
});

test('one small byte before the place is not taken for a record around it', () => {
  // Byte 0 would reach to byte 6 of 10, but nothing else encloses the place: nothing grows.
  const input = Buffer.from([0x05, 0x02, 0, 0, 0, 0, 0, 0, 0, 0]);
  const write = (x: bigint): Buffer => intBytes(x, 1, true);
  assert.equal(enclosingFields(input, 4, 1).length, 1);
  assert.equal(grownInPlace(input, { at: 1, size: 1, le: true }, 2n, 4n, write), undefined);
});
