// FuzzLoop.addPeerInputs: inputs another worker kept run here; those that add coverage are kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FuzzLoop } from '../../../src/engine/fuzz/loop';
import { createRng } from '../../../src/engine/fuzz/rng';
import type { BatchOptions, BatchResult } from '../../../src/engine/native/types';
import { runDepthBatch } from '../../helpers/depthTarget';
import { jsMutator } from '../../helpers/jsHavoc';

/** Depth = how many leading bytes spell "DEEP"; depth 4 would crash (never reached here). */
function depthOf(input: Buffer): number {
  let d = 0;
  while (d < 4 && input[d] === 'DEEP'.charCodeAt(d)) d++;
  return d;
}

function fakeTarget(): {
  runBatch(i: Buffer[], o?: BatchOptions): Promise<BatchResult>;
  coverage(): Buffer;
  ran: Buffer[];
} {
  const acc = Buffer.alloc(8);
  const ran: Buffer[] = [];
  return {
    ran,
    runBatch: (inputs, opts) => {
      ran.push(...inputs);
      return Promise.resolve(runDepthBatch(inputs, opts, depthOf, 4, acc));
    },
    coverage: () => acc,
  };
}

test('a peer input that goes deeper is kept, and onNew gets the very same Buffer', async () => {
  const target = fakeTarget();
  const kept: Buffer[] = [];
  const deep = Buffer.from('DEE?');
  const shallow = Buffer.from('zzzz');
  const loop = new FuzzLoop(
    target,
    {
      rng: createRng(1),
      maxLen: 8,
      dictionary: [],
      mutator: jsMutator(),
      maxTotalTimeMs: 0,
      maxRuns: 200,
      batchTargetMs: 10,
    },
    {
      onNew: (input) => kept.push(input),
      onFinding: () => false,
      onPulse: () => {
        // Handed over mid-run, as the IPC channel does.
        if (kept.length === 1) loop.addPeerInputs([shallow, deep]);
      },
    },
  );
  const end = await loop.run([Buffer.from('aaaa')]);
  assert.equal(end, 'runs');
  assert.ok(target.ran.includes(deep) && target.ran.includes(shallow), 'both peer inputs ran');
  assert.ok(kept.includes(deep), 'the deeper one was kept');
  assert.ok(!kept.includes(shallow), 'the one that adds nothing was not');
  assert.equal(loop.stats().corpus, kept.length);
});

test('peer inputs added before run() wait for the seeds, then run', async () => {
  const target = fakeTarget();
  const kept: Buffer[] = [];
  const loop = new FuzzLoop(
    target,
    {
      rng: createRng(2),
      maxLen: 8,
      dictionary: [],
      mutator: jsMutator(),
      maxTotalTimeMs: 0,
      maxRuns: 50,
      batchTargetMs: 10,
    },
    { onNew: (input) => kept.push(input), onFinding: () => false },
  );
  const peer = Buffer.from('DEEx');
  loop.addPeerInputs([peer]);
  await loop.run([Buffer.from('D...')]);
  assert.equal(target.ran.indexOf(peer), 1, 'right after the one seed');
  assert.ok(kept.includes(peer));
});
