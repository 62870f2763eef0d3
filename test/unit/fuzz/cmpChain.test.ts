// Chained input-to-state: a length made to fit, then the tag behind it, with no edge in between.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FWB_CMP_CONST } from '../../../src/engine/fuzz/cmpTable';
import { revealedPairs, runChain } from '../../../src/engine/fuzz/i2sChain';
import type { LoopEnd } from '../../../src/engine/fuzz/loop';
import { cmpTableOf, DepthCmpTarget, fuzzUntilFinding, without } from './fakeCmpTarget';

const RUNS = 400;
const TAG = 0xbeefn;

/**
 * `len = data[0]; if (len > size - 1) return; if (le16(data + 1) != TAG) return; crash;` where
 * both returns leave the same edges: fixing the length alone adds no coverage.
 */
class ChunkTarget extends DepthCmpTarget {
  constructor() {
    super(2);
  }

  protected depth(d: Buffer): number {
    if (d.length < 1) return 0;
    const len = d[0] ?? 0;
    const rem = d.length - 1;
    this.record(2, { a: BigInt(rem), b: BigInt(len), size: 8 });
    if (len > rem || len < 2) return 1;
    const tag = BigInt(d.readUInt16LE(1));
    this.record(5, { a: TAG, b: tag, size: 2, flags: FWB_CMP_CONST });
    return tag === TAG ? 2 : 1;
  }
}

async function fuzz(chains: boolean, seed: number): Promise<{ end: LoopEnd; execs: number }> {
  const target = new ChunkTarget();
  // A length far past the end, over bytes that are not the tag.
  const seeds = [Buffer.from('f0a1a2a3a4a5a6a7a8a9', 'hex')];
  const { end } = await fuzzUntilFinding(target, seed, RUNS, seeds, {
    stages: chains ? without() : without('chain', 'fixups'),
  });
  return { end, execs: target.execs };
}

for (const seed of [1, 2, 3]) {
  test(`a chain fixes the length, then the tag it reveals (seed ${seed})`, async () => {
    const { end, execs } = await fuzz(true, seed);
    assert.equal(end, 'finding', `${execs} runs`);
  });
}

test('without chains (or fix-ups, which also fix a compare a change breaks) the same runs miss', async () => {
  const { end } = await fuzz(false, 1);
  assert.equal(end, 'runs');
});

test('revealed pairs: new compares and new instances, not the same compare with one new operand', () => {
  const parent = cmpTableOf({
    1: { a: 0x54n, b: 0x10n, size: 4, flags: FWB_CMP_CONST },
    2: { a: 9n, b: 0xf0n, size: 8 },
    3: { a: 0x55n, b: 0x20n, size: 4, flags: FWB_CMP_CONST },
  });
  const own = cmpTableOf({
    // the same constant compare with the input's operand changed: another field was reached
    1: { a: 0x54n, b: 0x11n, size: 4, flags: FWB_CMP_CONST },
    // a variable compare with only the bound changed (the input grew): nothing new
    2: { a: 17n, b: 0xf0n, size: 8 },
    // unchanged
    3: { a: 0x55n, b: 0x20n, size: 4, flags: FWB_CMP_CONST },
    // never made by the parent
    4: { a: 0xbeefn, b: 0xa1a2n, size: 2, flags: FWB_CMP_CONST },
  });
  assert.deepEqual(
    revealedPairs(parent, own)
      .map((p) => p.slot)
      .sort(),
    [1, 4],
  );
});

test('head variants the budget had no runs for come back to be run in a batch', async () => {
  const ran: string[] = [];
  const table = Buffer.alloc(cmpTableOf({}).length);
  const ctx = {
    run: (inputs: Buffer[]) => {
      for (const i of inputs) ran.push(i.toString('hex'));
      return Promise.resolve(undefined);
    },
    table: () => table,
    memcmpTable: undefined,
    recordEqual: undefined,
    stopped: () => false,
    corpusSize: () => 1,
  };
  const first = ['01', '02', '03'].map((h) => ({ input: Buffer.from(h, 'hex') }));
  const res = await runChain(first, { cmp: Buffer.from(table), memcmp: undefined }, 1, ctx);
  assert.equal(res.ended, undefined);
  assert.deepEqual(ran, ['01']);
  assert.deepEqual(
    res.unrun.map((b) => b.toString('hex')),
    ['02', '03'],
  );
});
