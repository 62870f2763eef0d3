// Checksum fix-ups: variants of an entry past a checksum are run watching its compare and fixed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FuzzLoop, type LoopEnd } from '../../../src/engine/fuzz/loop';
import { createRng } from '../../../src/engine/fuzz/rng';
import { FakeChecksumTarget, fakeHash, MAGIC1 } from './fakeCmpTarget';

const RUNS = 30_000;

async function fuzz(
  target: FakeChecksumTarget,
  seed: number,
): Promise<{ end: LoopEnd; crash: Buffer | undefined }> {
  let crash: Buffer | undefined;
  const loop = new FuzzLoop(
    target,
    {
      rng: createRng(seed),
      maxLen: 64,
      dictionary: [],
      cmpFeedback: true,
      maxTotalTimeMs: 0,
      maxRuns: RUNS,
      batchTargetMs: 10,
    },
    {
      onNew: () => undefined,
      onFinding: (input) => {
        crash = input;
        return false;
      },
    },
  );
  // A seed whose stored hash is wrong: the first variant that writes the hash is a fix site.
  const end = await loop.run([Buffer.from('\0\0\0\0payload!')]);
  return { end, crash };
}

for (const seed of [1, 2, 3]) {
  test(`the magic behind a checksum is found with the checksum fixed (seed ${seed})`, async () => {
    const target = new FakeChecksumTarget();
    const { end, crash } = await fuzz(target, seed);
    assert.equal(end, 'finding');
    assert.ok(crash !== undefined);
    assert.equal(BigInt(crash.readUInt32LE(4)), MAGIC1);
    assert.equal(BigInt(crash.readUInt32LE(0)), fakeHash(crash.subarray(4)));
  });
}

test('an executor that cannot watch slots gets no fix-ups, and the same runs miss', async () => {
  const { end, crash } = await fuzz(new FakeChecksumTarget(false), 1);
  assert.equal(end, 'runs');
  assert.equal(crash, undefined);
});
