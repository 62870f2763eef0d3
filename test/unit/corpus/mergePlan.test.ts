// The merge rule: smallest first, an input is kept only for a feature nothing before it has.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planMerge } from '../../../src/engine/corpus/mergePlan';

const f = (...xs: number[]): Uint32Array => Uint32Array.from(xs);

test('smaller inputs win; a bigger one is kept only for what no smaller one hits', () => {
  const plan = planMerge(
    [],
    [
      { size: 100, features: f(8, 16, 24) },
      { size: 10, features: f(8, 16) },
      { size: 50, features: f(16, 24) },
      { size: 60, features: f(8) },
    ],
  );
  assert.deepEqual(plan.kept, [1, 2]);
  assert.equal(plan.newFeatures, 3);
  assert.equal(plan.newEdges, 3);
});

test('what the base already covers adds nothing; a new bucket of a known edge is a feature', () => {
  const plan = planMerge(
    [f(8, 16)],
    [
      { size: 1, features: f(8) },
      { size: 2, features: f(17) },
      { size: 3, features: f(32) },
    ],
  );
  assert.deepEqual(plan.kept, [1, 2]);
  assert.equal(plan.newFeatures, 2);
  assert.equal(plan.newEdges, 1, 'feature 17 is edge 2 again, in another hit-count bucket');
});

test('equal sizes: more features first, then the order given', () => {
  const plan = planMerge(
    [],
    [
      { size: 5, features: f(8) },
      { size: 5, features: f(8, 16) },
      { size: 5, features: f(24) },
      { size: 5, features: f(24) },
    ],
  );
  assert.deepEqual(plan.kept, [1, 2]);
});

test('an empty offer keeps nothing', () => {
  assert.deepEqual(planMerge([f(8)], []), { kept: [], newFeatures: 0, newEdges: 0 });
});
