// Checksum fix-ups: variants of an entry past a checksum are run watching its compare and fixed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FakeChecksumTarget,
  FakeFramesTarget,
  fakeFrame,
  fakeHash,
  FRAME,
  fuzzUntilFinding,
  MAGIC1,
  without,
} from './fakeCmpTarget';

const RUNS = 30_000;
/** Runs for fixed-up havoc: its share is of the wall time, and at first nothing is known. */
const FIXED_RUNS = 200_000;

/** A seed whose stored hash is wrong: the first variant that writes the hash is a fix site. */
const SEED = Buffer.from('\0\0\0\0payload!');

for (const seed of [1, 2, 3]) {
  test(`the magic behind a checksum is found with the checksum fixed (seed ${seed})`, async () => {
    const target = new FakeChecksumTarget();
    const { end, crash } = await fuzzUntilFinding(target, seed, RUNS, [SEED]);
    assert.equal(end, 'finding');
    assert.ok(crash !== undefined);
    assert.equal(BigInt(crash.readUInt32LE(4)), MAGIC1);
    assert.equal(BigInt(crash.readUInt32LE(0)), fakeHash(crash.subarray(4)));
  });
}

test('an executor that cannot watch slots gets no fix-ups, and the same runs miss', async () => {
  // Chains and probes, which also fix the compare a change breaks, are off.
  const { end, crash } = await fuzzUntilFinding(new FakeChecksumTarget(false), 1, RUNS, [SEED], {
    stages: without('chain', 'probe'),
  });
  assert.equal(end, 'runs');
  assert.equal(crash, undefined);
});

/**
 * A frame whose hash is wrong, then eight like frames: input-to-state writes the hash they all
 * store into the first frame, and the entry that makes carries that place as its fix site.
 */
const FRAMES = Buffer.concat([
  Buffer.from('\x11\x22\x33\x44\0\0\0\0', 'latin1'),
  ...Array.from({ length: 8 }, () => fakeFrame([0x11, 0x22, 0x33, 0x44])),
]);

/** Whether every frame of `input` before the last FRAME bytes holds its hash. */
function framesHold(input: Buffer, upTo: number): boolean {
  for (let at = 0; at + FRAME <= upTo; at += FRAME) {
    if (BigInt(input.readUInt32LE(at + 4)) !== fakeHash(input.subarray(at, at + 4))) return false;
  }
  return true;
}

for (const seed of [2, 4, 6]) {
  test(`a mutant that changed one of many like frames is fixed at that frame (seed ${seed})`, async () => {
    const target = new FakeFramesTarget();
    const { end, crash } = await fuzzUntilFinding(target, seed, FIXED_RUNS, [FRAMES], {
      maxLen: 128,
    });
    assert.equal(end, 'finding');
    assert.ok(crash !== undefined);
    // The crashing frame and every frame before it hold their hash.
    const frames = Array.from({ length: Math.floor(crash.length / FRAME) }, (_, i) => i * FRAME);
    const at = frames.slice(4).find((o) => (crash[o] ?? 0) >= 0x80 && crash[o + 1] === 0x22);
    assert.ok(at !== undefined);
    assert.ok(framesHold(crash, at + FRAME));
  });
}

/**
 * Seeds: eight like frames, all valid, that no fix-up made (their entry carries no fix site),
 * and nine other frames then one whose hash is wrong: its fix reaches a tenth frame and makes
 * a checksum known.
 */
const TWO_SEEDS = [
  Buffer.concat(Array.from({ length: 8 }, () => fakeFrame([0x11, 0x22, 0x33, 0x44]))),
  Buffer.concat([
    ...Array.from({ length: 9 }, () => fakeFrame([5, 6, 7, 8])),
    Buffer.from('\x05\x06\x07\x09\0\0\0\0', 'latin1'),
  ]),
];

for (const seed of [2, 4]) {
  test(`mutants of an entry without fix sites are fixed once a checksum is known (seed ${seed})`, async () => {
    const opts = { maxLen: 128 };
    const fixed = new FakeFramesTarget();
    const found = await fuzzUntilFinding(fixed, seed, FIXED_RUNS, TWO_SEEDS, opts);
    assert.equal(found.end, 'finding');
    // Without fix-ups (and chains, which fix one compare after another as well) the same runs
    // miss, or take longer: havoc alone must make an entry past the checksum with five frames.
    const plain = new FakeFramesTarget();
    const none = { ...opts, stages: without('fixups', 'chain') };
    const missed = await fuzzUntilFinding(plain, seed, FIXED_RUNS, TWO_SEEDS, none);
    assert.ok(
      missed.end === 'runs' || plain.execs > fixed.execs,
      `without fix-ups: ${missed.end} after ${plain.execs} runs, with: ${fixed.execs}`,
    );
  });
}
