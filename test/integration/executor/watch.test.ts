// Watched cmp slots (runBatch's opts.watch): each input's own compare, in fork and persistent mode.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startExecutor } from '../../../src/engine/exec/executor';
import { CMP_SLOT_BYTES, readCmpTable, readSlot } from '../../../src/engine/fuzz/cmpTable';
import type { NativeExecutor } from '../../../src/engine/native/types';
import { buildFixtureTarget } from '../../helpers/build';

/** The target's hash of the bytes after the first four (see watch_cmp.c). */
function hashOf(input: Buffer): bigint {
  let h = 0;
  for (const b of input.subarray(4)) h = (Math.imul(h, 31) + b) >>> 0;
  return BigInt(h);
}

/** An input whose first four bytes hold `stored`, then `tail`. */
function inputOf(stored: number, tail: string): Buffer {
  const b = Buffer.alloc(4 + tail.length);
  b.writeUInt32LE(stored >>> 0, 0);
  b.write(tail, 4, 'latin1');
  return b;
}

describe('runBatch with watched cmp slots', () => {
  let target: string;
  const started: NativeExecutor[] = [];

  async function executor(persistent: number): Promise<NativeExecutor> {
    const { executor: exec } = await startExecutor({
      target,
      persistent,
      cmp: true,
      timeoutMs: 2000,
      maxInputSize: 64,
    });
    started.push(exec);
    return exec;
  }

  /** The slot of the target's compare, found from one run's table. */
  async function slotOf(exec: NativeExecutor): Promise<number> {
    const probe = inputOf(7, 'probe');
    await exec.runBatch([probe], { feedback: true });
    const hash = hashOf(probe);
    const pair = readCmpTable(exec.cmpTable()).find(
      (p) => p.size === 4 && [p.a, p.b].includes(7n) && [p.a, p.b].includes(hash),
    );
    assert.ok(pair !== undefined, 'the compare of stored and hash is in the table');
    return pair.slot;
  }

  before(() => {
    target = buildFixtureTarget(['watch_cmp.c'], { flags: ['-g'] });
  });
  after(async () => {
    await Promise.all(started.map((e) => e.stop()));
  });

  for (const [mode, persistent] of [
    ['fork', 1],
    ['persistent', 10_000],
  ] as const) {
    test(`${mode} mode: each input's slot as it left it, empty where the compare held`, async () => {
      const exec = await executor(persistent);
      const slot = await slotOf(exec);
      const a = inputOf(1, 'first');
      const b = inputOf(2, 'second one');
      const match = Buffer.from(b);
      match.writeUInt32LE(Number(hashOf(b)), 0);
      const tooShort = Buffer.from('abc');
      const inputs = [a, b, match, tooShort, a];
      const res = await exec.runBatch(inputs, { feedback: true, watch: [slot, 0] });
      assert.equal(res.execs, inputs.length);
      assert.ok(res.watched !== undefined);
      assert.equal(res.watched.length, inputs.length * 2 * CMP_SLOT_BYTES);
      const own = (i: number): ReturnType<typeof readSlot> =>
        readSlot(res.watched!.subarray(i * 2 * CMP_SLOT_BYTES), 0);
      for (const [i, stored] of [
        [0, 1n],
        [1, 2n],
        [4, 1n],
      ] as const) {
        const p = own(i);
        assert.ok(p !== undefined, `input ${i} left its compare`);
        assert.deepEqual(new Set([p.a, p.b]), new Set([stored, hashOf(inputs[i]!)]));
      }
      // Equal operands are not recorded, and a short input never reaches the compare: the slot
      // was cleared before each, so neither shows the compare of the input before it.
      assert.equal(own(2), undefined);
      assert.equal(own(3), undefined);
      // Without watch, no watched slots come back.
      const plain = await exec.runBatch([a, b], { feedback: true });
      assert.equal(plain.watched, undefined);
    });
  }

  test('a watch list that is too long or holds no slot index is refused', async () => {
    const exec = await executor(1);
    await assert.rejects(
      async () => exec.runBatch([Buffer.from('x')], { watch: [0, 1, 2, 3, 4, 5, 6, 7, 8] }),
      /at most 8/,
    );
    await assert.rejects(
      async () => exec.runBatch([Buffer.from('x')], { watch: [1 << 20] }),
      /not a cmp slot/,
    );
    await assert.rejects(
      async () => exec.runBatch([Buffer.from('x')], { watch: [-1] }),
      /not a cmp slot/,
    );
  });
});
