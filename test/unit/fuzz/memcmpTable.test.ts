// Unit tests of reading memcmp operand slots, laid out as struct fwb_memcmp_slot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenSet } from '../../../src/engine/fuzz/cmpTable';
import {
  MEMCMP_SLOT_BYTES,
  MemcmpHarvester,
  memcmpVariants,
  readMemcmpTable,
} from '../../../src/engine/fuzz/memcmpTable';

/** A table with the given (s1, s2) pairs at the given slots, as the runtime writes it. */
function table(slots: number, pairs: Record<number, [string, string]>): Buffer {
  const t = Buffer.alloc(slots * MEMCMP_SLOT_BYTES);
  for (const [slot, [a, b]] of Object.entries(pairs)) {
    const off = Number(slot) * MEMCMP_SLOT_BYTES;
    t.writeUInt32LE(a.length, off);
    t.writeUInt32LE(b.length, off + 4);
    t.writeBigUInt64LE(0x1234n, off + 8);
    t.write(a, off + 16, 'latin1');
    t.write(b, off + 48, 'latin1');
  }
  return t;
}

test('filled slots are read with their lengths; empty and corrupt ones are skipped', () => {
  const t = table(4, { 0: ['abcd', 'FWB-TAG!'], 2: ['x', 'y'] });
  t.writeUInt32LE(999, 3 * MEMCMP_SLOT_BYTES); // a length past the 32-byte field
  t.writeUInt32LE(1, 3 * MEMCMP_SLOT_BYTES + 4);
  const pairs = readMemcmpTable(t);
  assert.deepEqual(
    pairs.map((p) => [p.slot, p.s1.toString('latin1'), p.s2.toString('latin1')]),
    [
      [0, 'abcd', 'FWB-TAG!'],
      [2, 'x', 'y'],
    ],
  );
  assert.deepEqual(
    readMemcmpTable(t.subarray(0, 100)).length,
    1,
    'a truncated table reads what it holds',
  );
});

test('the harvester keeps multi-byte operands and reads each changed slot once', () => {
  const tokens = new TokenSet(16);
  const h = new MemcmpHarvester(tokens);
  const t = table(2, { 0: ['abcd', 'FWB-TAG!'], 1: ['zz', 'q'] });
  assert.equal(h.harvest(t), 2, "'zz' and single bytes are not tokens");
  assert.equal(h.harvest(t), 0, 'nothing changed');
  assert.deepEqual(
    tokens.tokens().map((b) => b.toString('latin1')),
    ['abcd', 'FWB-TAG!'],
  );
});

test('input-to-state puts the compared constant where the input bytes were', () => {
  const input = Buffer.from('HDR:abcdEFGH:tail');
  const pairs = readMemcmpTable(table(1, { 0: ['abcdEFGH', 'FWB-TAG!'] }));
  const v = memcmpVariants(input, pairs, 10).map((b) => b.toString('latin1'));
  assert.deepEqual(v, ['HDR:FWB-TAG!:tail']);
  const none = memcmpVariants(Buffer.from('nothing here'), pairs, 10);
  assert.deepEqual(none, []);
  const many = memcmpVariants(Buffer.from('abcdEFGHabcdEFGH'), pairs, 1);
  assert.equal(many.length, 1, 'the limit holds');
});
