// The loop against two magics checked in one branch (`a != M1 || b != M2`): no edge for one alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FWB_CMP_CONST } from '../../../src/engine/fuzz/cmpTable';
import { DepthCmpTarget, fuzzUntilFinding, MAGIC1, MAGIC2 } from './fakeCmpTarget';

const RUNS = 20_000;

/**
 * `if (size >= 8 && (le32(data) != MAGIC1 || le32(data + 4) != MAGIC2)) return;` compiled, as
 * clang does, into both compares traced and one branch: depth 1 for any input of 8 bytes or
 * more, the crash (depth 2) only with both magics in place.
 */
class JoinedCmpTarget extends DepthCmpTarget {
  constructor() {
    super(2);
  }

  protected depth(d: Buffer): number {
    if (d.length < 8) return 0;
    const a = BigInt(d.readUInt32LE(0));
    const b = BigInt(d.readUInt32LE(4));
    this.record(3, { a: MAGIC1, b: a, size: 4, flags: FWB_CMP_CONST });
    this.record(11, { a: MAGIC2, b, size: 4, flags: FWB_CMP_CONST });
    return a === MAGIC1 && b === MAGIC2 ? 2 : 1;
  }
}

for (const seed of [1, 2, 3]) {
  test(`both magics of one branch are written together (seed ${seed})`, async () => {
    const target = new JoinedCmpTarget();
    const { end, crash } = await fuzzUntilFinding(target, seed, RUNS);
    assert.equal(end, 'finding');
    assert.ok(crash !== undefined);
    assert.equal(BigInt(crash.readUInt32LE(0)), MAGIC1);
    assert.equal(BigInt(crash.readUInt32LE(4)), MAGIC2);
    assert.ok(target.execs < RUNS, `${target.execs} runs`);
  });
}
