// Unit tests of the seeded random source and the havoc mutator.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mutate } from '../../../src/engine/fuzz/mutator';
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

test('mutate is deterministic for a seed and never exceeds maxLen', () => {
  const input = Buffer.from('hello fuzzing world');
  const opts = { maxLen: 24, dictionary: [Buffer.from('MAGIC')] };
  const r1 = createRng(9);
  const r2 = createRng(9);
  for (let i = 0; i < 500; i++) {
    const m1 = mutate(input, r1, opts, Buffer.from('other input'));
    const m2 = mutate(input, r2, opts, Buffer.from('other input'));
    assert.deepEqual(m1, m2);
    assert.ok(m1.length >= 1 && m1.length <= opts.maxLen, `length ${m1.length}`);
  }
});

test('mutate does not modify its input and produces variety', () => {
  const input = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
  const copy = Buffer.from(input);
  const r = createRng(5);
  const outs = new Set<string>();
  for (let i = 0; i < 200; i++)
    outs.add(mutate(input, r, { maxLen: 64, dictionary: [] }).toString('hex'));
  assert.deepEqual(input, copy);
  assert.ok(outs.size > 150, `only ${outs.size} distinct mutants`);
});

test('dictionary tokens show up in mutants', () => {
  const r = createRng(3);
  const tok = Buffer.from('TOKEN');
  let hits = 0;
  for (let i = 0; i < 300; i++) {
    if (mutate(Buffer.alloc(16), r, { maxLen: 64, dictionary: [tok] }).includes(tok)) hits++;
  }
  assert.ok(hits > 10, `token seen ${hits} times`);
});

test('an empty input still mutates into something', () => {
  const m = mutate(Buffer.alloc(0), createRng(1), { maxLen: 8, dictionary: [] });
  assert.ok(m.length >= 1);
});
