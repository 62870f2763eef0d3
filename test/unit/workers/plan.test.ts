// How a parallel run is divided: worker count, seed shares, run shares, seeds, what a restart may use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  remainingBudget,
  resolveWorkerCount,
  runShare,
  splitSeeds,
  workerSeed,
} from '../../../src/engine/workers/plan';

test('-workers=0 means the cores available; a tiny -runs caps the count', () => {
  const free = { maxRuns: 0, seed: 0 };
  assert.equal(resolveWorkerCount(0, free, 2), 2);
  assert.equal(resolveWorkerCount(0, free, 0), 1);
  assert.equal(resolveWorkerCount(3, free, 2), 3);
  assert.equal(resolveWorkerCount(1, free, 8), 1);
  assert.equal(resolveWorkerCount(0, { maxRuns: 1, seed: 0 }, 8), 1);
  assert.equal(resolveWorkerCount(4, { maxRuns: 3, seed: 0 }, 8), 3);
  assert.equal(resolveWorkerCount(2, { maxRuns: 1000, seed: 0 }, 8), 2);
});

test('an explicit -seed without -workers fuzzes in one process (reproducible); with it, N', () => {
  assert.equal(resolveWorkerCount(0, { maxRuns: 0, seed: 5 }, 8), 1);
  assert.equal(resolveWorkerCount(2, { maxRuns: 0, seed: 5 }, 8), 2);
});

test('seeds are dealt round-robin and none is lost', () => {
  assert.deepEqual(splitSeeds([1, 2, 3, 4, 5], 2), [
    [1, 3, 5],
    [2, 4],
  ]);
  assert.deepEqual(splitSeeds([], 3), [[], [], []]);
  assert.deepEqual(splitSeeds(['a'], 1), [['a']]);
});

test('run shares add up to -runs; 0 stays unlimited', () => {
  for (const [runs, n] of [
    [10, 3],
    [7, 2],
    [2, 2],
    [1000, 7],
  ] as const) {
    const shares = Array.from({ length: n }, (_v, i) => runShare(runs, n, i));
    assert.equal(
      shares.reduce((a, b) => a + b, 0),
      runs,
    );
    assert.ok(Math.max(...shares) - Math.min(...shares) <= 1, String(shares));
  }
  assert.equal(runShare(0, 4, 2), 0);
});

test('-seed gives worker i seed+i; a restart moves on by the worker count', () => {
  assert.equal(workerSeed(100, 2, 0, 0), 100);
  assert.equal(workerSeed(100, 2, 1, 0), 101);
  assert.equal(workerSeed(100, 2, 1, 1), 103);
  assert.notEqual(workerSeed(0xffffffff, 2, 1, 0), 0);
});

test('a restarted worker gets what is left of its budget, or nothing', () => {
  const limits = { maxRuns: 1000, maxTotalTimeMs: 60_000 };
  assert.deepEqual(remainingBudget(limits, 500, 200, 10_000), {
    maxRuns: 300,
    maxTotalTimeMs: 50_000,
  });
  assert.equal(remainingBudget(limits, 500, 500, 10_000), undefined);
  assert.equal(remainingBudget(limits, 500, 100, 60_000), undefined);
  assert.deepEqual(remainingBudget({ maxRuns: 0, maxTotalTimeMs: 0 }, 0, 123, 99_999), {
    maxRuns: 0,
    maxTotalTimeMs: 0,
  });
});
