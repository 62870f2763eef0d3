// Fixing a checksum after a change: the recomputed value goes to the stored value's nearest place.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstChange, fixesNear } from '../../../src/engine/fuzz/checksumFix';
import type { CmpPair } from '../../../src/engine/fuzz/cmpTable';

/** CRC-16/CCITT-FALSE, as the checksum bench target computes it. */
function crc16(p: Buffer): number {
  let crc = 0xffff;
  for (const byte of p) {
    crc ^= byte << 8;
    for (let b = 0; b < 8; b++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** A frame: sync, command, length, payload, CRC-16 over command, length and payload (LE). */
function frame(cmd: number, payload: number[]): Buffer {
  const body = Buffer.from([cmd, payload.length, ...payload]);
  const crc = Buffer.alloc(2);
  crc.writeUInt16LE(crc16(body));
  return Buffer.concat([Buffer.from([0x7e]), body, crc]);
}

/** Frames whose CRC holds, from the start: what the target would act on. */
function validFrames(input: Buffer): number {
  let n = 0;
  for (let at = 0; at + 5 <= input.length; n++) {
    const len = input[at + 2] ?? 0;
    if (input[at] !== 0x7e || at + 5 + len > input.length) break;
    const stored = input.readUInt16LE(at + 3 + len);
    if (crc16(input.subarray(at + 1, at + 3 + len)) !== stored) break;
    at += 5 + len;
  }
  return n;
}

/** The compare a CRC check leaves: computed against stored, compared as 4 bytes. */
function crcPair(computed: number, stored: number): CmpPair {
  return { slot: 0, a: BigInt(computed), b: BigInt(stored), size: 4, flags: 0, order: 0 };
}

test('the first change is the first differing byte, or the shorter length', () => {
  assert.equal(firstChange(Buffer.from('abcd'), Buffer.from('abXd')), 2);
  assert.equal(firstChange(Buffer.from('abc'), Buffer.from('abcdef')), 3);
  assert.equal(firstChange(Buffer.from('abc'), Buffer.from('abc')), 3);
});

test('the trailer right after a change in one of many like frames is fixed first', () => {
  const append = frame(0x41, [0x10]);
  const parent = Buffer.concat(Array.from({ length: 10 }, () => append));
  // The seventh frame's payload changed: its CRC, like every frame's, reads the old value.
  const changed = Buffer.from(parent);
  const at = 6 * append.length + 3;
  changed[at] = 0x11;
  assert.equal(validFrames(changed), 6);
  const body = changed.subarray(6 * append.length + 1, 6 * append.length + 4);
  const pair = crcPair(crc16(body), changed.readUInt16LE(at + 1));
  const fixes = fixesNear(changed, firstChange(changed, parent), pair, 4);
  assert.ok(fixes.length > 0);
  // The first guess is the right place; a search from the start would fix the first frame.
  assert.equal(validFrames(fixes[0] ?? Buffer.alloc(0)), 10);
  assert.ok(fixes.length <= 4);
});

test('a checksum in front of the change is tried right after the one behind it', () => {
  // A header checksum: the stored value sits before the bytes it covers.
  const stored = 0x1234;
  const input = Buffer.from([0x34, 0x12, 1, 2, 3, 4, 5, 6, 0x34, 0x12]);
  const fixes = fixesNear(input, 4, crcPair(0xbeef, stored), 4);
  assert.deepEqual(
    fixes.map((f) => [f.readUInt16LE(0), f.readUInt16LE(8)]),
    [
      [0x1234, 0xbeef],
      [0xbeef, 0x1234],
    ],
  );
});

test('no place holds the stored value: no guesses, and never more than asked', () => {
  const input = Buffer.from('nothing stored here');
  assert.deepEqual(fixesNear(input, 0, crcPair(0xbeef, 0x1234), 4), []);
  const many = Buffer.alloc(40, 0x12);
  assert.equal(fixesNear(many, 20, crcPair(0xbeef, 0x1212), 3).length, 3);
});
