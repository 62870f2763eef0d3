// Repeating and splicing the record a new corpus entry added (frames, chunks, register writes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addedBlock,
  changedBlock,
  insertedBlock,
  knownRecordRepeats,
  MIN_KNOWN_RECORD,
  recordOf,
  repeatVariants,
  REPEAT_BYTES,
  REPEATS,
  shiftedSites,
  splicedVariants,
} from '../../../src/engine/fuzz/repeatRecord';

const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');
/** A frame of the checksum target's shape: sync, command, length, payload, two check bytes. */
const UNLOCK = hex('7e 55 00 45 ec');
const APPEND = hex('7e 41 02 aabb 1234');
const FILL = Buffer.alloc(12, 0x41);

test('the block an appended record adds is the record', () => {
  const older = Buffer.concat([UNLOCK, FILL]);
  const entry = Buffer.concat([UNLOCK, FILL, APPEND]);
  assert.deepEqual(changedBlock(entry, older), { at: 17, size: APPEND.length });
  assert.deepEqual(insertedBlock(entry, older), { at: 17, size: APPEND.length });
});

test('a record written over filler spans its first and last changed bytes', () => {
  const older = Buffer.concat([UNLOCK, FILL]);
  const entry = Buffer.concat([UNLOCK, APPEND, FILL.subarray(APPEND.length)]);
  assert.deepEqual(changedBlock(entry, older), { at: 5, size: APPEND.length });
  // Not an insertion: the lengths are the same.
  assert.equal(insertedBlock(entry, older), undefined);
  assert.equal(changedBlock(older.subarray(1), older), undefined);
});

test('of the older entries, the one extended least gives the record', () => {
  const one = Buffer.concat([UNLOCK]);
  const two = Buffer.concat([UNLOCK, APPEND]);
  const three = Buffer.concat([UNLOCK, APPEND, APPEND]);
  // The second append: where the bytes around a block repeat, it is placed after the prefix.
  assert.deepEqual(addedBlock(three, [one, two, three]), { at: 12, size: APPEND.length });
  // An entry that differs from every older one elsewhere has no added block.
  assert.equal(addedBlock(hex('00 11 22 33'), [hex('ff ff')]), undefined);
});

test('what input-to-state wrote is the record before any diff', () => {
  const entry = Buffer.concat([UNLOCK, APPEND, FILL]);
  const made = { origin: Buffer.concat([UNLOCK, FILL, FILL]), wrote: { at: 5, size: 7 } };
  assert.deepEqual(recordOf(entry, made, []), { at: 5, size: 7 });
  // Written past the end (the entry was cut): not a record of this entry.
  const past = { origin: made.origin, wrote: { at: 20, size: 40 } };
  assert.equal(recordOf(entry, past, []), undefined);
});

test('copies land in the next hit-count bucket each, within the byte limit', () => {
  const entry = Buffer.concat([UNLOCK, APPEND]);
  const record = { at: 5, size: APPEND.length };
  const variants = repeatVariants(entry, record, 4096);
  const appends = variants.map((v) => (v.input.length - UNLOCK.length) / APPEND.length);
  assert.deepEqual(appends, [2, 3, 4, 8, 16, 32, 64]);
  for (const v of variants) {
    assert.ok(v.input.subarray(0, 5).equals(UNLOCK));
    for (let at = 5; at < v.input.length; at += APPEND.length) {
      assert.ok(v.input.subarray(at, at + APPEND.length).equals(APPEND));
    }
    // Repeated again, a variant's record is the copy right after the original.
    assert.deepEqual(v.made.wrote, { at: 12, size: APPEND.length });
  }
  const long = { at: 0, size: 200 };
  const big = repeatVariants(Buffer.alloc(200), long, 1 << 20);
  assert.ok(big.every((v) => v.input.length - 200 <= REPEAT_BYTES));
  assert.equal(repeatVariants(entry, record, entry.length + 8).length, 1);
});

test('records of two entries are spliced both ways, each after the other one', () => {
  const unlocked = Buffer.concat([UNLOCK, FILL]);
  const appended = Buffer.concat([APPEND, FILL]);
  const out = splicedVariants(
    appended,
    { at: 0, size: APPEND.length },
    [{ input: unlocked, record: { at: 0, size: UNLOCK.length } }],
    4096,
  ).map((v) => v.input.toString('hex'));
  assert.deepEqual(out, [
    Buffer.concat([UNLOCK, APPEND, FILL]).toString('hex'),
    Buffer.concat([APPEND, UNLOCK, FILL]).toString('hex'),
  ]);
  // The same record in both entries gives nothing new.
  const same = [{ input: unlocked, record: { at: 0, size: UNLOCK.length } }];
  const again = Buffer.concat([UNLOCK, UNLOCK]);
  assert.deepEqual(splicedVariants(again, { at: 5, size: 5 }, same, 4096), []);
});

test('fix sites behind the copies move by what was inserted', () => {
  const site = (at: number) => ({ slot: 1, at, size: 2, le: true, constant: false });
  const moved = shiftedSites([site(3), site(10)], { at: 5, size: 5 }, 2);
  assert.deepEqual(
    moved.map((s) => s.at),
    [3, 20],
  );
});

test("another entry's record is repeated where this entry first holds it", () => {
  const clear = hex('7e 43 00 1d 0f');
  // An entry that added unlock, append and clear as one block: repeating that block clears
  // the registers every time; the append alone, a record an older entry added, fills them.
  const entry = Buffer.concat([UNLOCK, APPEND, clear, FILL]);
  const pool = [
    { input: Buffer.concat([FILL, APPEND]), record: { at: FILL.length, size: APPEND.length } },
    // The same record again, a record the entry does not hold, and one too short to look for.
    { input: Buffer.concat([APPEND, FILL]), record: { at: 0, size: APPEND.length } },
    { input: Buffer.concat([hex('7e 52 01 00 aaaa'), FILL]), record: { at: 0, size: 6 } },
    { input: UNLOCK, record: { at: 0, size: MIN_KNOWN_RECORD - 1 } },
  ];
  const own = { at: 0, size: UNLOCK.length + APPEND.length + clear.length };
  const out = knownRecordRepeats(entry, own, pool, 4096);
  assert.equal(out.length, REPEATS.length);
  for (const [i, v] of out.entries()) {
    assert.deepEqual(v.block, { at: UNLOCK.length, size: APPEND.length });
    const copies = Array.from({ length: (REPEATS[i] ?? 0) + 1 }, () => APPEND);
    assert.ok(v.input.equals(Buffer.concat([UNLOCK, ...copies, clear, FILL])));
  }
  // The entry's own block is repeated by repeatVariants already.
  const appendOnly = { at: UNLOCK.length, size: APPEND.length };
  assert.deepEqual(knownRecordRepeats(entry, appendOnly, pool, 4096), []);
});
