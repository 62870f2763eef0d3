// Unit tests of the seeded random source.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../src/engine/fuzz/rng';

test('the same seed gives the same stream, different seeds differ', () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const sa = Array.from({ length: 16 }, () => a.next());
  const sb = Array.from({ length: 16 }, () => b.next());
  const sc = Array.from({ length: 16 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test('below(n) stays in range and covers it', () => {
  const r = createRng(1);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = r.below(10);
    assert.ok(v >= 0 && v < 10 && Number.isInteger(v));
    seen.add(v);
  }
  assert.equal(seen.size, 10);
});
