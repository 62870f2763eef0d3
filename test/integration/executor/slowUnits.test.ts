// Slow units in the executor: an ok input past slowUnitMs comes back `slow` from every kind of
// batch (mutants made in the target, replayed inputs, fork mode), and never when it is off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startExecutor } from '../../../src/engine/exec/executor';
import type { NativeExecutor } from '../../../src/engine/native/types';
import { buildFixtureTarget } from '../../helpers/build';

const SLOW_MS = 100;

describe('slow units', () => {
  let target: string;
  const started: NativeExecutor[] = [];

  async function executor(persistent: number, slowUnitMs = SLOW_MS): Promise<NativeExecutor> {
    const { executor: exec } = await startExecutor({
      target,
      persistent,
      timeoutMs: 5000,
      maxInputSize: 64,
      slowUnitMs,
    });
    started.push(exec);
    return exec;
  }

  const bufs = (...s: string[]): Buffer[] => s.map((x) => Buffer.from(x));

  before(() => {
    target = buildFixtureTarget(['slow.c'], { sanitizers: 'none' });
  });
  after(async () => {
    await Promise.all(started.map((e) => e.stop()));
  });

  test('a slow mutant made in the target ends the batch and comes back with its input', async () => {
    const exec = await executor(10_000);
    const parent = Buffer.from('slowslowslowslow');
    const res = await exec.runMutants({
      parents: [parent],
      tokens: [],
      count: 10_000,
      seed: 3,
      lenLimit: 16,
      maxLen: 64,
    });
    const slow = res.findings.find((f) => f.slow === true);
    assert.ok(slow !== undefined, `no slow mutant in ${res.execs} runs`);
    assert.equal(slow.kind, 'ok');
    assert.equal(slow.index, res.execs - 1, 'the batch ends at the slow mutant');
    assert.equal(slow.input?.subarray(0, 4).toString(), 'slow');
    assert.ok((slow.execUs ?? 0) >= SLOW_MS * 1000, `execUs ${slow.execUs}`);
  });

  test('a replayed batch says which input was slow and runs the rest', async () => {
    const exec = await executor(10_000);
    const res = await exec.runBatch(bufs('aaaa', 'slow', 'bbbb', 'cccc'), { feedback: true });
    assert.equal(res.execs, 4);
    const slow = res.findings.filter((f) => f.slow === true);
    assert.deepEqual(
      slow.map((f) => f.index),
      [1],
    );
    assert.ok((slow[0]?.execUs ?? 0) >= SLOW_MS * 1000);
  });

  test('fork mode says so of a slow input too', async () => {
    const exec = await executor(1);
    const res = await exec.runBatch(bufs('aaaa', 'slow'), { feedback: false });
    assert.deepEqual(
      res.findings.filter((f) => f.slow === true).map((f) => f.index),
      [1],
    );
  });

  test('with slowUnitMs 0 no input is slow', async () => {
    const exec = await executor(10_000, 0);
    const res = await exec.runBatch(bufs('aaaa', 'slow', 'bbbb'), { feedback: true });
    assert.equal(res.execs, 3);
    assert.ok(res.findings.every((f) => f.slow !== true));
  });
});
