// The corpus scheduler: rare features, small and fast entries and fresh entries are picked more.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../src/engine/fuzz/rng';
import { featuresOf, Scheduler, type CorpusEntry } from '../../../src/engine/fuzz/scheduler';

const f = (...xs: number[]): Uint32Array => Uint32Array.from(xs);

/** How often each entry is picked in `n` draws. */
function draws(s: Scheduler, n: number, seed = 1): Map<CorpusEntry, number> {
  const rng = createRng(seed);
  const counts = new Map<CorpusEntry, number>();
  for (let i = 0; i < n; i++) {
    const e = s.pick(rng);
    counts.set(e, (counts.get(e) ?? 0) + 1);
  }
  return counts;
}

test('the entry holding the only copy of a feature is picked far more than shared ones', () => {
  const s = new Scheduler();
  const common = [];
  for (let i = 0; i < 10; i++) {
    common.push(s.add(Buffer.from(`in${i}`), { features: f(8, 16, 24), execUs: 100 }));
  }
  const rare = s.add(Buffer.from('inX'), { features: f(8, 16, 24, 800), execUs: 100 });
  const counts = draws(s, 2000);
  const rareCount = counts.get(rare) ?? 0;
  for (const c of common) assert.ok(rareCount > 5 * (counts.get(c) ?? 0), `${rareCount}`);
  assert.ok(rareCount > 1000, `the rare entry got ${rareCount} of 2000`);
});

test('with equal coverage, small and fast entries are picked more than big and slow ones', () => {
  const s = new Scheduler();
  const small = s.add(Buffer.alloc(4), { features: f(8), execUs: 100 });
  const big = s.add(Buffer.alloc(4000), { features: f(16), execUs: 100 });
  const fast = s.add(Buffer.alloc(100), { features: f(24), execUs: 10 });
  const slow = s.add(Buffer.alloc(100), { features: f(32), execUs: 10_000 });
  const counts = draws(s, 4000);
  const n = (e: CorpusEntry): number => counts.get(e) ?? 0;
  assert.ok(n(small) > 2 * n(big), `small ${n(small)} big ${n(big)}`);
  assert.ok(n(fast) > 2 * n(slow), `fast ${n(fast)} slow ${n(slow)}`);
  assert.ok(n(big) > 0 && n(slow) > 0, 'a slow or big entry is rarer, never starved');
});

test('the cheapest owner of a feature is favored; a costlier duplicate is not', () => {
  const s = new Scheduler();
  const cheap = s.add(Buffer.alloc(2), { features: f(8, 16), execUs: 10 });
  const dear = s.add(Buffer.alloc(200), { features: f(8, 16), execUs: 10 });
  const own = s.add(Buffer.alloc(500), { features: f(8, 24), execUs: 10 });
  s.refresh();
  assert.equal(cheap.favored, true);
  assert.equal(dear.favored, false);
  assert.equal(own.favored, true, 'the only owner of feature 24');
});

test('entries picked many times lose weight to fresh ones (fatigue)', () => {
  const s = new Scheduler();
  const old = s.add(Buffer.from('a'), { features: f(8), execUs: 10 });
  s.refresh();
  const before = old.weight;
  draws(s, 20_000);
  const fresh = s.add(Buffer.from('b'), { features: f(16), execUs: 10 });
  s.refresh();
  assert.ok(old.weight < before / 4, `weight ${before} -> ${old.weight}`);
  assert.ok(fresh.weight > 4 * old.weight);
});

test('an entry not profiled yet weighs like the rarest and is picked', () => {
  const s = new Scheduler();
  for (let i = 0; i < 5; i++) s.add(Buffer.from(`x${i}`), { features: f(8, 16), execUs: 10 });
  const pending = s.add(Buffer.from('new'));
  const counts = draws(s, 1000);
  assert.ok((counts.get(pending) ?? 0) > 300, `${counts.get(pending)}`);
  s.setProfile(pending, { features: f(8, 16), execUs: 10 });
  assert.equal(pending.profile?.features.length, 2);
});

test('picks are deterministic for a seed', () => {
  const build = (): Scheduler => {
    const s = new Scheduler();
    for (let i = 0; i < 20; i++) {
      s.add(Buffer.alloc(i + 1), { features: f(8 * (i % 5), 8 * i + 1), execUs: 10 + i });
    }
    return s;
  };
  const seq = (s: Scheduler): number[] => {
    const rng = createRng(99);
    return Array.from({ length: 200 }, () => s.pick(rng).input.length);
  };
  assert.deepEqual(seq(build()), seq(build()));
});

test('featuresOf gives index*8 + hit-count bucket, aligned or not', () => {
  const map = Buffer.alloc(4096);
  map[0] = 1;
  map[5] = 2;
  map[6] = 3;
  map[7] = 5;
  map[1000] = 200;
  map[4095] = 20;
  assert.deepEqual([...featuresOf(map)], [0, 41, 50, 59, 8007, 4095 * 8 + 5]);
  const unaligned = Buffer.alloc(4097).subarray(1);
  unaligned[3] = 1;
  unaligned[4095] = 1;
  assert.deepEqual([...featuresOf(unaligned)], [24, 4095 * 8]);
});

test('an entry added between full recomputations weighs like the heaviest until the next one', () => {
  const s = new Scheduler();
  for (let i = 0; i < 10; i++) s.add(Buffer.from(`e${i}`), { features: f(8 * i), execUs: 10 });
  draws(s, 10);
  const late = s.add(Buffer.from('late'), { features: f(8, 16), execUs: 10 });
  const counts = draws(s, 1000, 2);
  const share = (counts.get(late) ?? 0) / 1000;
  assert.ok(share > 0.05 && share < 0.2, `picked ${share} of the time before its recomputation`);
  draws(s, 5000, 3);
  assert.ok(late.base < s.all()[5]!.base, 'recomputed: its edges are shared, e5 holds its own');
});

test('an entry owns the features no other entry holds, bucket and all', () => {
  const s = new Scheduler();
  const a = s.add(Buffer.from('aaaa'), { features: f(8, 16, 25), execUs: 10 });
  const b = s.add(Buffer.from('bbbb'), { features: f(8, 16, 24), execUs: 10 });
  assert.deepEqual([...s.owned(a)], [25], 'edge 3 at another bucket is a feature of its own');
  assert.deepEqual([...s.owned(b)], [24]);
  const c = s.add(Buffer.from('cc'), { features: f(24), execUs: 10 });
  assert.deepEqual([...s.owned(b)], [], 'a newcomer holding it takes the ownership away');
  assert.deepEqual([...s.owned(c)], []);
  assert.deepEqual([...s.owned(s.add(Buffer.from('unprofiled')))], []);
});

test('a replaced entry keeps its place with the shorter input, new profile and fresh meta', () => {
  const s = new Scheduler();
  const a = s.add(Buffer.from('aaaaaaaa'), { features: f(8, 16, 32), execUs: 50 });
  const b = s.add(Buffer.from('bbbb'), { features: f(8), execUs: 10 });
  a.meta = { fixes: [], made: { origin: Buffer.from('aaaa'), wrote: undefined } };
  s.replace(a, Buffer.from('aa'), { features: f(8, 16, 32, 40), execUs: 20 });
  assert.equal(s.size, 2);
  assert.equal(s.all()[0], a);
  assert.equal(a.input.toString(), 'aa');
  assert.equal(a.profile?.execUs, 20);
  assert.equal(a.meta.made, undefined, 'what a stage knew of the old bytes is gone');
  assert.deepEqual([...s.owned(a)], [16, 32, 40]);
  assert.deepEqual([...s.owned(b)], []);
});
