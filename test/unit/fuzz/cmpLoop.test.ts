// The fuzzing loop with comparison feedback, against a fake target guarded by two 32-bit magics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FuzzLoop, type LoopEnd } from '../../../src/engine/fuzz/loop';
import { createRng } from '../../../src/engine/fuzz/rng';
import { FakeCmpTarget, MAGIC1, MAGIC2 } from './fakeCmpTarget';

const RUNS = 20_000;

async function fuzz(
  cmpFeedback: boolean,
  seed: number,
  dictionary: Buffer[] = [],
): Promise<{ end: LoopEnd; crash: Buffer | undefined; target: FakeCmpTarget }> {
  const target = new FakeCmpTarget();
  let crash: Buffer | undefined;
  const loop = new FuzzLoop(
    target,
    {
      rng: createRng(seed),
      maxLen: 64,
      dictionary,
      cmpFeedback,
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
  const end = await loop.run([]);
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
  const loop = new FuzzLoop(
    plain,
    {
      rng: createRng(1),
      maxLen: 64,
      dictionary: [],
      cmpFeedback: true,
      maxTotalTimeMs: 0,
      maxRuns: 500,
      batchTargetMs: 10,
    },
    { onNew: () => undefined, onFinding: () => false },
  );
  assert.equal(await loop.run([]), 'runs');
  assert.equal(target.execs, 500);
});
