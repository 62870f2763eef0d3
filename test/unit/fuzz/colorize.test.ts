// Colorization: telling apart the places that hold a compared value, from a colored run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CMP_SLOT_BYTES, FWB_CMP_CONST, type CmpPair } from '../../../src/engine/fuzz/cmpTable';
import { ambiguity, colored, pinnedVariants, readPlace } from '../../../src/engine/fuzz/colorize';
import type { AloneContext } from '../../../src/engine/fuzz/runAlone';

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

test('a value held at one place is not ambiguous; at two it is', () => {
  const once = Buffer.from('00112233aabbccdd44556677', 'hex');
  assert.equal(ambiguity(once, pair(0x54524e53n, 0x00112233n, 4)), undefined);
  const twice = Buffer.from('00112233aabbccdd00112233', 'hex');
  assert.deepEqual(ambiguity(twice, pair(0x54524e53n, 0x00112233n, 4))?.at, [0, 8]);
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

/**
 * A frame parser's run alone: the command byte at 6 is compared (with 'A', then 'R', as a switch
 * does) only when the sync bytes at 0 and 5 are right, so marking every 0x7e stops it early.
 */
function frameTarget(): { ctx: AloneContext; runs: Buffer[] } {
  const table = Buffer.alloc(16 * CMP_SLOT_BYTES);
  const runs: Buffer[] = [];
  const write = (slot: number, a: bigint, b: bigint, order: number): void => {
    const off = slot * CMP_SLOT_BYTES;
    table.writeBigUInt64LE(a, off);
    table.writeBigUInt64LE(b, off + 8);
    table.writeUInt32LE(1, off + 16);
    table.writeUInt32LE(FWB_CMP_CONST | (order << 8), off + 20);
  };
  const ctx: AloneContext = {
    run: (inputs) => {
      for (const d of inputs) {
        runs.push(d);
        if (d[0] !== 0x7e || d[5] !== 0x7e) continue;
        write(3, 0x41n, BigInt(d[6] ?? 0), 1);
        write(4, 0x52n, BigInt(d[6] ?? 0), 2);
      }
      return Promise.resolve(undefined);
    },
    table: () => table,
    memcmpTable: undefined,
    recordEqual: undefined,
  };
  return { ctx, runs };
}

test('a place behind one that stops the parser is found by marking fewer places', async () => {
  const input = Buffer.from('7e550045ec7e7e20414141', 'hex');
  const { ctx, runs } = frameTarget();
  const cmd = (a: bigint): CmpPair => ({ ...pair(a, 0x7en, 1), slot: a === 0x41n ? 3 : 4 });
  const counted = { count: 0 };
  const { variants } = await pinnedVariants(input, [cmd(0x52n), cmd(0x41n)], ctx, counted, 1);
  // Marking 0, 5 and 6 stops the parser; marking 6 alone shows the read. One locate serves the
  // switch's other case too.
  assert.equal(counted.count, runs.length);
  assert.ok(runs.length >= 2 && runs.length <= 4, `${runs.length} runs`);
  const at6 = variants.filter((v) => v.site.at === 6).map((v) => v.input[6]);
  assert.equal(variants.length, at6.length);
  assert.deepEqual(at6.slice(0, 2), [0x52, 0x41]);
});
