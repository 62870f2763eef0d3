// Unit tests of the fuzzing loop against a fake executor whose "target" is a magic-byte check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FuzzLoop, type LoopExecutor } from '../../../src/engine/fuzz/loop';
import { createRng } from '../../../src/engine/fuzz/rng';
import { jsMutator } from '../../helpers/jsHavoc';
import { runDepthBatch } from '../../helpers/depthTarget';
import type { BatchOptions, BatchResult } from '../../../src/engine/native/types';

const MAGIC = [0x46, 0x5a, 0x21]; // "FZ!"

function magicDepth(input: Buffer): number {
  let depth = 0;
  while (depth < MAGIC.length && input[depth] === MAGIC[depth]) depth++;
  return depth;
}

/** Edge i is hit when the input starts with the first i magic bytes; all three crash. */
class FakeTarget implements LoopExecutor {
  readonly acc = Buffer.alloc(8);
  execs = 0;
  batches: number[] = [];

  runBatch(inputs: Buffer[], opts?: BatchOptions): Promise<BatchResult> {
    this.batches.push(inputs.length);
    const res = runDepthBatch(inputs, opts, magicDepth, MAGIC.length, this.acc);
    this.execs += res.execs;
    return Promise.resolve(res);
  }

  coverage(): Buffer {
    return this.acc;
  }
}

function loopFor(
  fake: FakeTarget,
  seed: number,
  maxRuns: number,
  onFinding: () => boolean = () => false,
) {
  const news: Buffer[] = [];
  const newAt: number[] = [];
  const crashes: Buffer[] = [];
  const loop = new FuzzLoop(
    fake,
    {
      rng: createRng(seed),
      maxLen: 16,
      dictionary: [],
      mutator: jsMutator(),
      maxTotalTimeMs: 0,
      maxRuns,
      batchTargetMs: 50,
    },
    {
      onNew: (i, s) => {
        news.push(i);
        newAt.push(s.execs);
      },
      onFinding: (i) => {
        crashes.push(i);
        return onFinding();
      },
    },
  );
  return { loop, news, newAt, crashes };
}

test('coverage feedback walks the magic bytes one at a time and stops at the crash', async () => {
  const fake = new FakeTarget();
  const { loop, news, newAt, crashes } = loopFor(fake, 1234, 2_000_000);
  const end = await loop.run([Buffer.from('seed')]);
  assert.deepEqual(
    newAt,
    [...newAt].sort((a, b) => a - b),
    'status counts rise',
  );
  assert.ok(
    new Set(newAt).size === newAt.length,
    'each discovery is reported at its own execution',
  );
  assert.equal(end, 'finding');
  assert.equal(crashes.length, 1);
  assert.deepEqual([...crashes[0]!.subarray(0, 3)], MAGIC);
  assert.ok(news.length >= 3, `corpus grew by ${news.length}`);
  assert.equal(loop.stats().cov, 3);
  assert.ok(fake.execs < 2_000_000);
});

test('the run limit is honoured exactly and ends with "runs"', async () => {
  const fake = new FakeTarget();
  const { loop } = loopFor(fake, 7, 100);
  fake.runBatch = (inputs) => {
    fake.execs += inputs.length;
    return Promise.resolve({ execs: inputs.length, elapsedUs: 1, findings: [], restarts: 0 });
  };
  assert.equal(await loop.run([]), 'runs');
  assert.equal(fake.execs, 100);
});

test('stop() ends the loop after the running batch', async () => {
  const fake = new FakeTarget();
  const { loop } = loopFor(fake, 7, 0);
  let calls = 0;
  fake.runBatch = (inputs) => {
    if (++calls === 3) loop.stop();
    return Promise.resolve({ execs: inputs.length, elapsedUs: 1, findings: [], restarts: 0 });
  };
  assert.equal(await loop.run([Buffer.from('a')]), 'stopped');
  assert.equal(calls, 3);
});

test('seeds are run first and a finding among them is reported', async () => {
  const fake = new FakeTarget();
  const { loop, crashes } = loopFor(fake, 1, 0);
  const end = await loop.run([Buffer.from('abc'), Buffer.from([...MAGIC, 0])]);
  assert.equal(end, 'finding');
  assert.equal(crashes.length, 1);
  assert.equal(fake.execs, 2);
});

test('keep-going batches run past crashes and report each of them', async () => {
  const fake = new FakeTarget();
  const crashes: number[] = [];
  const loop = new FuzzLoop(
    fake,
    {
      rng: createRng(2),
      maxLen: 16,
      dictionary: [],
      mutator: jsMutator(),
      maxTotalTimeMs: 0,
      maxRuns: 3,
      batchTargetMs: 50,
      stopBatchOnFinding: false,
    },
    { onNew: () => undefined, onFinding: (_i, _r, s) => (crashes.push(s.execs), true) },
  );
  const crash = Buffer.from([...MAGIC, 1]);
  assert.equal(await loop.run([crash, Buffer.from('ok'), crash]), 'runs');
  assert.deepEqual(crashes, [1, 3], 'both crashes, each at its own execution');
  assert.equal(fake.batches[0], 3, 'one batch ran all three seeds');
});
