// Table tests of the mutator's part copies (libFuzzer's CopyPart and CrossOver), with a scripted Rng.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyPart, mutate } from '../../../src/engine/fuzz/mutator';
import { createRng, type Rng } from '../../../src/engine/fuzz/rng';

/** An Rng that answers below() from a script, and oneIn() from another. */
function scripted(below: number[], oneIn: boolean[]): Rng {
  return {
    next: () => 0,
    below: (n: number) => {
      const v = below.shift();
      if (v === undefined) throw new Error('script ran out');
      assert.ok(v < n, `scripted ${v} is below ${n}`);
      return v;
    },
    oneIn: () => oneIn.shift() ?? false,
  };
}

const hex = (b: Buffer): string => b.toString('hex');

test('copyPart inserts a whole part of the other input at a place', () => {
  // n = 1 + 2, from 1, inserted (not overwritten) at 1.
  const out = copyPart(
    Buffer.from('aabb', 'hex'),
    Buffer.from('00112233', 'hex'),
    scripted([2, 1, 1], [false]),
    64,
  );
  assert.equal(hex(out), 'aa112233bb');
});

test('copyPart may copy all of the source, not only a short piece', () => {
  const src = Buffer.from('7e5500aabb'.repeat(10), 'hex');
  const out = copyPart(
    Buffer.from('01', 'hex'),
    src,
    scripted([src.length - 1, 0, 1], [false]),
    4096,
  );
  assert.equal(hex(out), '01' + hex(src));
});

test('copyPart overwrites in place when told to, keeping the length', () => {
  const out = copyPart(
    Buffer.from('00000000', 'hex'),
    Buffer.from('a1a2a3', 'hex'),
    scripted([1, 0, 2], [true]),
    64,
  );
  assert.equal(hex(out), '0000a1a2');
});

test('copyPart inserts no more than the length limit allows', () => {
  const out = copyPart(
    Buffer.from('0000', 'hex'),
    Buffer.from('a1a2a3', 'hex'),
    scripted([2, 0, 0], [false]),
    3,
  );
  assert.equal(hex(out), 'a10000');
});

test('mutate keeps within maxLen over many random stacks', () => {
  const rng = createRng(12345);
  const other = Buffer.alloc(100, 7);
  let grew = false;
  for (let i = 0; i < 2000; i++) {
    const out = mutate(Buffer.alloc(10, 1), rng, { maxLen: 40, dictionary: [] }, other);
    assert.ok(out.length >= 1 && out.length <= 40);
    if (out.length > 32 && out.includes(7)) grew = true;
  }
  assert.ok(grew, 'long parts of the other input are inserted');
});
