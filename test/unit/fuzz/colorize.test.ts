// Colorization: telling apart the places that hold a compared value, from a colored run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FWB_CMP_CONST, type CmpPair } from '../../../src/engine/fuzz/cmpTable';
import { ambiguity, colored, readPlace } from '../../../src/engine/fuzz/colorize';

const pair = (a: bigint, b: bigint, size: number, flags = FWB_CMP_CONST): CmpPair => ({
  a,
  b,
  size,
  flags,
  slot: 7,
  order: 0,
});

/** A run of 0xa7 fill with a 4-byte big-endian field inside it, as an inserted fill leaves. */
const FILL = Buffer.alloc(40, 0xa7);

test('a value held at a few places is not ambiguous', () => {
  const input = Buffer.from('00112233aabbccdd00112233', 'hex');
  assert.equal(ambiguity(input, pair(0x54524e53n, 0x00112233n, 4)), undefined);
});

test('a fill holding the value many times is ambiguous, at non-overlapping places', () => {
  const amb = ambiguity(FILL, pair(0x54524e53n, 0xa7a7a7a7n, 4));
  assert.ok(amb !== undefined);
  assert.equal(amb.fromA, false);
  assert.deepEqual(amb.at, [0, 4, 8, 12, 16, 20, 24, 28, 32, 36]);
});

test('the colored run tells which place the target read', () => {
  const p = pair(0x54524e53n, 0xa7a7a7a7n, 4);
  const amb = ambiguity(FILL, p);
  assert.ok(amb !== undefined);
  const probe = colored(FILL, amb);
  // Every place differs from every other one now.
  const marks = new Set(amb.at.map((at) => probe.subarray(at, at + 4).toString('hex')));
  assert.equal(marks.size, amb.at.length);
  // The target compared the field at 24 (a palindrome: little-endian is tried first).
  assert.equal(amb.le, true);
  const read = BigInt(probe.readUInt32LE(24));
  assert.deepEqual(readPlace(probe, amb, { ...p, b: read }), { at: 24, le: true });
  // Read big-endian, the same place is found, with its byte order.
  const readBe = BigInt(probe.readUInt32BE(24));
  assert.deepEqual(readPlace(probe, amb, { ...p, b: readBe }), { at: 24, le: false });
});

test('no place is named when the colored run did not make the compare or read elsewhere', () => {
  const p = pair(0x54524e53n, 0xa7a7a7a7n, 4);
  const amb = ambiguity(FILL, p);
  assert.ok(amb !== undefined);
  const probe = colored(FILL, amb);
  assert.equal(readPlace(probe, amb, undefined), undefined);
  assert.equal(readPlace(probe, amb, { ...p, b: 0x01020304n }), undefined);
});
