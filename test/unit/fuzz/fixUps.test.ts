// Checksum fix-ups: variants of an entry past a checksum are run watching its compare and fixed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeChecksumTarget, fakeHash, fuzzUntilFinding, MAGIC1 } from './fakeCmpTarget';

const RUNS = 30_000;

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
  const { end, crash } = await fuzzUntilFinding(new FakeChecksumTarget(false), 1, RUNS, [SEED]);
  assert.equal(end, 'runs');
  assert.equal(crash, undefined);
});
