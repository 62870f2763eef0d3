// Replacing entries by shorter inputs (-reduce_inputs) several times in one batch loses nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holdsAll } from '../../../src/engine/fuzz/loop';
import { Scheduler } from '../../../src/engine/fuzz/scheduler';

const f = (...xs: number[]): Uint32Array => Uint32Array.from(xs);

test('holdsAll: every wanted feature, in ascending lists of any length', () => {
  assert.ok(holdsAll(f(1, 3, 8, 9), f(3, 9)));
  assert.ok(holdsAll(f(1, 3), f()));
  assert.ok(!holdsAll(f(1, 3, 8), f(3, 4)));
  assert.ok(!holdsAll(f(1, 3), f(3, 5)));
  assert.ok(!holdsAll(f(), f(2)));
});

test('a replacement of one entry can leave another owning more than it did as the batch began', () => {
  const s = new Scheduler();
  // Feature 16 is held by both: neither owns it.
  const a = s.add(Buffer.from('aaaaaaaa'), { features: f(8, 16), execUs: 10 });
  const b = s.add(Buffer.from('bbbbbbbb'), { features: f(16, 24), execUs: 10 });
  const ownedA = s.owned(a);
  assert.deepEqual([...ownedA], [8]);
  // The batch replaces b by a shorter input without 16 (b never owned it) ...
  assert.ok(holdsAll(f(24), s.owned(b)));
  s.replace(b, Buffer.from('bb'), { features: f(24), execUs: 10 });
  // ... and a mutant of a that holds what a owned as the batch began would now lose 16.
  const mutant = f(8);
  assert.ok(holdsAll(mutant, ownedA));
  assert.ok(!holdsAll(mutant, s.owned(a)), 'the check at the replacement refuses it');
  assert.deepEqual([...s.owned(a)], [8, 16]);
});
