// The loop against two magics checked in one branch (`a != M1 || b != M2`): no edge for one alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CMP_SLOT_BYTES, FWB_CMP_CONST } from '../../../src/engine/fuzz/cmpTable';
import { FuzzLoop, type LoopExecutor } from '../../../src/engine/fuzz/loop';
import { createRng } from '../../../src/engine/fuzz/rng';
import type { BatchOptions, BatchResult } from '../../../src/engine/native/types';
import { runDepthBatch } from '../../helpers/depthTarget';
import { cmpTableOf, MAGIC1, MAGIC2 } from './fakeCmpTarget';

const RUNS = 20_000;

/**
 * `if (size >= 8 && (le32(data) != MAGIC1 || le32(data + 4) != MAGIC2)) return;` compiled, as
 * clang does, into both compares traced and one branch: depth 1 for any input of 8 bytes or
 * more, the crash (depth 2) only with both magics in place.
 */
class JoinedCmpTarget implements LoopExecutor {
  readonly acc = Buffer.alloc(4);
  readonly table = cmpTableOf({});
  execs = 0;

  private record(slot: number, constant: bigint, v: bigint): void {
    if (constant === v) return;
    const off = slot * CMP_SLOT_BYTES;
    this.table.writeBigUInt64LE(constant, off);
    this.table.writeBigUInt64LE(v, off + 8);
    this.table.writeUInt32LE(4, off + 16);
    this.table.writeUInt32LE(FWB_CMP_CONST, off + 20);
  }

  private depth(d: Buffer): number {
    if (d.length < 8) return 0;
    const a = BigInt(d.readUInt32LE(0));
    const b = BigInt(d.readUInt32LE(4));
    this.record(3, MAGIC1, a);
    this.record(11, MAGIC2, b);
    return a === MAGIC1 && b === MAGIC2 ? 2 : 1;
  }

  runBatch(inputs: Buffer[], opts?: BatchOptions): Promise<BatchResult> {
    const res = runDepthBatch(inputs, opts, (d) => this.depth(d), 2, this.acc);
    this.execs += res.execs;
    return Promise.resolve(res);
  }

  coverage(): Buffer {
    return this.acc;
  }

  cmpTable(): Buffer {
    return this.table;
  }
}

for (const seed of [1, 2, 3]) {
  test(`both magics of one branch are written together (seed ${seed})`, async () => {
    const target = new JoinedCmpTarget();
    let crash: Buffer | undefined;
    const loop = new FuzzLoop(
      target,
      {
        rng: createRng(seed),
        maxLen: 64,
        dictionary: [],
        cmpFeedback: true,
        maxTotalTimeMs: 0,
        maxRuns: RUNS,
        batchTargetMs: 10,
      },
      {
        onNew: () => undefined,
        onFinding: (input) => {
          crash = input;
          return false;
        },
      },
    );
    assert.equal(await loop.run([]), 'finding');
    assert.ok(crash !== undefined);
    assert.equal(BigInt(crash.readUInt32LE(0)), MAGIC1);
    assert.equal(BigInt(crash.readUInt32LE(4)), MAGIC2);
    assert.ok(target.execs < RUNS, `${target.execs} runs`);
  });
}
