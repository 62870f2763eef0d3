// Mutants made and run inside the target (runMutants): the input reported is the one that ran,
// a hang is timed per mutant, batches outlive their children, and a seed replays a batch.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startExecutor } from '../../../src/engine/exec/executor';
import type { BatchResult, MutantsRequest, NativeExecutor } from '../../../src/engine/native/types';
import { buildFixtureTarget } from '../../helpers/build';

const TIMEOUT_MS = 300;

function request(parent: string, count: number, seed = 1): MutantsRequest {
  return { parents: [Buffer.from(parent)], tokens: [], count, seed, lenLimit: 8, maxLen: 64 };
}

describe('runMutants', () => {
  let target: string;
  const started: NativeExecutor[] = [];

  async function executor(persistent = 10_000): Promise<NativeExecutor> {
    const { executor: exec } = await startExecutor({
      target,
      persistent,
      timeoutMs: TIMEOUT_MS,
      maxInputSize: 64,
    });
    started.push(exec);
    return exec;
  }

  /** Runs batches of parent's mutants until one ends at something other than new coverage. */
  async function untilEnd(exec: NativeExecutor, parent: string): Promise<BatchResult> {
    for (let seed = 1; seed < 50; seed++) {
      const res = await exec.runMutants(request(parent, 2_000_000, seed));
      if (res.findings.some((f) => f.kind !== 'ok')) return res;
    }
    assert.fail(`no mutant of ${parent} ended other than ok`);
  }

  before(() => {
    target = buildFixtureTarget(['mutants.c'], { flags: ['-g'] });
  });
  after(async () => {
    await Promise.all(started.map((e) => e.stop()));
  });

  test('a mutant with new coverage comes back with the very input that reached it', async () => {
    const exec = await executor();
    const res = await exec.runMutants(request('zzzz', 100_000));
    const f = res.findings[0];
    assert.ok(f !== undefined && f.kind === 'ok' && f.newCoverage, 'new coverage ends the batch');
    assert.equal(f.index, res.execs - 1);
    assert.ok(f.input !== undefined && !f.input.equals(Buffer.from('zzzz')));
    const left = Buffer.from(exec.counters());
    // A fresh executor runs the returned input: same counters, so it is what the child ran.
    const check = await executor();
    const again = await check.run(f.input);
    assert.equal(again.kind, 'ok');
    assert.ok(again.newCoverage);
    assert.ok(Buffer.from(check.counters()).equals(left), 'the same counters as in the batch');
  });

  test('a crashing mutant is reported with its input, which crashes again', async () => {
    const exec = await executor();
    const res = await untilEnd(exec, 'CRSx');
    const f = res.findings.at(-1);
    assert.ok(f?.input !== undefined);
    assert.equal(f.kind, 'sanitizer', f.output.toString().slice(-400));
    assert.equal(f.input.subarray(0, 4).toString(), 'CRSH');
    assert.match(f.output.toString(), /heap-buffer-overflow/);
    const again = await exec.run(f.input);
    assert.equal(again.kind, 'sanitizer');
  });

  test('a hang is one mutant past the limit, not a batch longer than it', async () => {
    const exec = await executor();
    const res = await untilEnd(exec, 'HANx');
    const f = res.findings.at(-1);
    assert.equal(f?.kind, 'timeout');
    assert.equal(f.input?.subarray(0, 4).toString(), 'HANG');
    // Batches of quick mutants run far longer than the limit without being cut.
    let longest = 0;
    for (let seed = 1; seed <= 10 && longest <= 3 * TIMEOUT_MS * 1000; seed++) {
      const r = await exec.runMutants(request('zzzz', 10_000_000, seed));
      assert.ok(
        r.findings.every((x) => x.kind === 'ok'),
        `only ok ends: ${r.findings.map((x) => x.kind).join()}`,
      );
      longest = Math.max(longest, r.elapsedUs);
    }
    assert.ok(longest > 3 * TIMEOUT_MS * 1000, `a batch ran ${longest} µs`);
  });

  test('a batch goes on in a new child past the -persistent limit', async () => {
    const exec = await executor(1000);
    // Coverage first, so the batch below has nothing new to stop at.
    for (let seed = 1; seed <= 20; seed++) await exec.runMutants(request('zzzz', 200_000, seed));
    const res = await exec.runMutants(request('zzzz', 50_000, 99));
    assert.deepEqual(res.findings, []);
    assert.equal(res.execs, 50_000);
  });

  test('a batch of given inputs, run by the child itself: every finding at its index', async () => {
    const exec = await executor(3);
    const batch = ['zzzz', 'Nzzz', 'Nzzz', 'CRSH', 'zOzz', 'HANG', 'zzVz', 'zzzz'].map((x) =>
      Buffer.from(x),
    );
    const res = await exec.runBatch(batch, { feedback: true, stopOnFinding: false });
    assert.equal(res.execs, batch.length);
    assert.deepEqual(
      res.findings.map((f) => `${f.index}:${f.kind}`),
      // 'zzzz' and each new letter reach new coverage once; the crash and the hang end their
      // children, and the rest go on in new ones (3 inputs per child at most).
      ['0:ok', '1:ok', '3:sanitizer', '4:ok', '5:timeout', '6:ok'],
    );
    assert.ok(res.findings.every((f) => f.kind !== 'ok' || f.newCoverage));
    const stopped = await exec.runBatch(batch, { feedback: true });
    assert.equal(stopped.execs, 4, 'stops at the crash');
    assert.deepEqual(
      stopped.findings.map((f) => `${f.index}:${f.kind}`),
      ['3:sanitizer'],
    );
  });

  test('a shorter mutant that holds every owned feature of its parent can replace it', async () => {
    const exec = await executor();
    const parent = Buffer.from('Nzzzzzzzzzzzzzzz');
    const first = await exec.run(parent);
    assert.ok(first.newCoverage && first.features !== undefined);
    const owned = [first.features];
    let reduced;
    for (let seed = 1; seed < 50 && reduced === undefined; seed++) {
      const res = await exec.runMutants({
        ...request('', 100_000, seed),
        parents: [parent],
        owned,
      });
      reduced = res.findings.find((f) => f.reducedParent !== undefined);
    }
    assert.ok(reduced?.input !== undefined, 'some batch ended at a reduction');
    assert.equal(reduced.kind, 'ok');
    assert.equal(reduced.reducedParent, 0);
    assert.equal(reduced.newCoverage, false);
    assert.ok(reduced.input.length < parent.length, `${reduced.input.length} bytes`);
    // It holds what the parent held: the same features, as its own run reports them.
    assert.deepEqual([...(reduced.features ?? [])], [...first.features]);
    const fresh = await executor();
    const again = await fresh.run(reduced.input);
    assert.deepEqual([...(again.features ?? [])], [...first.features]);
  });

  test('a replacement does not end the batch, and each parent is replaced once at most', async () => {
    const exec = await executor();
    const parents = [Buffer.from('Nzzzzzzzzzzzzzzz'), Buffer.from('zzzzzzzzzzzzzzzzzzzz')];
    const owned = [];
    for (const p of parents) owned.push((await exec.run(p)).features ?? new Uint32Array(0));
    // Every other branch first, so no mutant below has new coverage to end the batch at.
    for (const x of ['zzz', 'zOzz', 'zzVz', 'NOzz', 'NzVz', 'zOVz', 'NOVz']) {
      await exec.run(Buffer.from(x));
    }
    const count = 20_000;
    const res = await exec.runMutants({ ...request('', count, 5), parents, owned });
    assert.equal(res.execs, count, 'the batch ran to its end');
    const replaced = res.findings.map((f) => f.reducedParent);
    assert.deepEqual([...replaced].sort(), [0, 1], `replacements: ${replaced.join()}`);
    for (const f of res.findings) {
      const parent = parents[f.reducedParent ?? -1];
      assert.ok(f.input !== undefined && parent !== undefined);
      assert.ok(f.input.length < parent.length);
      assert.deepEqual([...(f.features ?? [])], [...(owned[f.reducedParent ?? -1] ?? [])]);
    }
  });

  test('a parent with a feature no mutant can hold, or with no list, is never replaced', async () => {
    const exec = await executor();
    const parent = Buffer.from('Nzzzzzzzzzzzzzzz');
    const first = await exec.run(parent);
    const features = first.features ?? new Uint32Array(0);
    // The first feature's counter at a bucket of 128+ hits, which these inputs never reach.
    const impossible = Uint32Array.from([((features[0] ?? 0) & ~7) | 7]);
    for (const owned of [[impossible], [new Uint32Array(0)], undefined]) {
      const res = await exec.runMutants({ ...request('', 20_000, 3), parents: [parent], owned });
      assert.ok(res.findings.every((f) => f.reducedParent === undefined));
    }
  });

  test('the same seed makes the same mutants', async () => {
    const ends = [];
    for (let i = 0; i < 2; i++) {
      const exec = await executor();
      const res = await exec.runMutants(request('CRSx', 1_000_000, 7));
      ends.push(res.findings.map((f) => `${f.index}:${f.kind}:${f.input?.toString('hex')}`));
    }
    assert.ok((ends[0] ?? []).length > 0);
    assert.deepEqual(ends[0], ends[1]);
  });
});
