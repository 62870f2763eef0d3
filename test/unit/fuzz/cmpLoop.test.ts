// The fuzzing loop with comparison feedback, against a fake target guarded by two 32-bit magics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoopEnd } from '../../../src/engine/fuzz/loop';
import { FakeCmpTarget, fuzzUntilFinding, MAGIC1, MAGIC2 } from './fakeCmpTarget';

const RUNS = 20_000;

async function fuzz(
  cmpFeedback: boolean,
  seed: number,
  dictionary: Buffer[] = [],
): Promise<{ end: LoopEnd; crash: Buffer | undefined; target: FakeCmpTarget }> {
  const target = new FakeCmpTarget();
  const { end, crash } = await fuzzUntilFinding(target, seed, RUNS, [], {
    cmpFeedback,
    dictionary,
  });
  return { end, crash, target };
}

for (const seed of [1, 2, 3]) {
  test(`cmp feedback finds both magics from no seeds (seed ${seed})`, async () => {
    const { end, crash, target } = await fuzz(true, seed);
    assert.equal(end, 'finding');
    assert.ok(crash !== undefined);
    assert.equal(BigInt(crash.readUInt32LE(0)), MAGIC1);
    assert.equal(BigInt(crash.readUInt32LE(4)), MAGIC2);
    assert.ok(target.execs < RUNS, `${target.execs} runs`);
  });
}

test('without cmp feedback the same runs do not get past the magics', async () => {
  const { end, crash } = await fuzz(false, 1);
  assert.equal(end, 'runs');
  assert.equal(crash, undefined);
});

test('a user dictionary reaches the mutator', async () => {
  const le = (v: bigint): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(Number(v));
    return b;
  };
  const { end } = await fuzz(false, 1, [Buffer.concat([le(MAGIC1), le(MAGIC2)])]);
  assert.equal(end, 'finding');
});

test('cmp feedback without a cmpTable on the executor is ignored', async () => {
  const target = new FakeCmpTarget();
  const plain = {
    runBatch: target.runBatch.bind(target),
    coverage: target.coverage.bind(target),
  };
  const { end } = await fuzzUntilFinding(plain, 1, 500);
  assert.equal(end, 'runs');
  assert.equal(target.execs, 500);
});
