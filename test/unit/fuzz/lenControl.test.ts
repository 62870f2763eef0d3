// Length control: mutants stay short while coverage grows, and may grow once it stalls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LengthControl } from '../../../src/engine/fuzz/lenControl';

test('the limit starts at the longest seed (at least 8) and grows only without progress', () => {
  const c = new LengthControl(4096, 0);
  assert.equal(c.limit, 8);
  c.update(250);
  assert.equal(c.limit, 8, '250 runs: 100 * log2(8) = 300 not reached');
  c.progress(250);
  c.update(500);
  assert.equal(c.limit, 8, 'new coverage at 250 restarts the wait');
  c.update(551);
  assert.equal(c.limit, 11);
  c.update(100_000);
  // Read through a function: the asserts above narrowed c.limit to a literal type.
  const limit = (): number => c.limit;
  assert.ok(limit() > 100, `${limit()}`);
  assert.equal(new LengthControl(4096, 300).limit, 300);
});

test('the limit never passes maxLen; a parent longer than the limit keeps its length', () => {
  const c = new LengthControl(64, 10);
  c.update(10_000_000);
  assert.equal(c.limit, 64);
  const d = new LengthControl(4096, 8);
  assert.equal(d.limitFor(Buffer.alloc(3)), 8);
  assert.equal(new LengthControl(4096, 2).limit, 8);
  assert.equal(d.limitFor(Buffer.alloc(100)), 100);
  assert.equal(new LengthControl(50, 8).limitFor(Buffer.alloc(100)), 50);
});
