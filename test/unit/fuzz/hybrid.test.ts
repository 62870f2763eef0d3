// Hybrid mode's confirmation logic, against a fake target whose state leaks between inputs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HybridExecutor } from '../../../src/engine/fuzz/hybrid';
import { FuzzLoop } from '../../../src/engine/fuzz/loop';
import { createRng } from '../../../src/engine/fuzz/rng';
import { jsMutator } from '../../helpers/jsHavoc';
import type {
  BatchFinding,
  BatchOptions,
  BatchResult,
  EndKind,
  MutantsRequest,
} from '../../../src/engine/native/types';

/**
 * One child runs `perChild` inputs, keeping a "poisoned" flag between them, as a harness with a
 * global would. 'P' poisons the child; then 'X' crashes, 'T' hangs and 'C' reaches an edge that
 * a fresh process never reaches. 'A' reaches edge 1 and 'B' crashes everywhere. Edge 0 is hit
 * by every input.
 */
class LeakyTarget {
  readonly acc = Buffer.alloc(4);
  execs = 0;
  private poisoned = false;
  private inChild = 0;

  constructor(
    private readonly perChild: number,
    private readonly name: string,
  ) {}

  coverage(): Buffer {
    return this.acc;
  }

  private runOne(input: Buffer): { kind: EndKind; edges: number[] } {
    if (this.inChild === this.perChild) this.newChild();
    this.inChild++;
    this.execs++;
    const c = String.fromCharCode(input[0] ?? 0);
    const edges = [0];
    if (c === 'P') this.poisoned = true;
    if (c === 'A') edges.push(1);
    if (c === 'C' && this.poisoned) edges.push(2);
    if (c === 'B') return { kind: 'sanitizer', edges };
    if (c === 'X' && this.poisoned) return { kind: 'crash', edges };
    if (c === 'T' && this.poisoned) return { kind: 'timeout', edges };
    return { kind: 'ok', edges };
  }

  private newChild(): void {
    this.poisoned = false;
    this.inChild = 0;
  }

  runBatch(inputs: Buffer[], opts: BatchOptions = {}): Promise<BatchResult> {
    const findings: BatchFinding[] = [];
    let execs = 0;
    for (const [index, input] of inputs.entries()) {
      const { kind, edges } = this.runOne(input);
      execs++;
      let newCoverage = false;
      for (const e of edges) {
        if (opts.feedback === true && this.acc[e] === 0) newCoverage = true;
        if (opts.feedback === true) this.acc[e] = 1;
      }
      const end: BatchFinding = {
        kind,
        signal: kind === 'crash' ? 11 : 0,
        exitCode: kind === 'sanitizer' ? 1 : -1,
        output: Buffer.from(`${this.name} ran ${input.toString('latin1')}`),
        outputTruncated: false,
        durationUs: 1,
        ret: 0,
        newCoverage,
        pid: 100,
        index,
      };
      if (kind !== 'ok') {
        this.newChild();
        findings.push(end);
        if (opts.stopOnFinding ?? true) break;
      } else if (newCoverage) {
        findings.push(end);
      }
    }
    return Promise.resolve({ execs, elapsedUs: execs, findings, restarts: 0 });
  }
}

/**
 * A LeakyTarget that also "makes" mutants in the target, as runMutants does: the next inputs of
 * a script, stopping at the first new coverage or non-ok end, which carries its input.
 */
class MutatingTarget extends LeakyTarget {
  readonly requests: MutantsRequest[] = [];
  constructor(
    perChild: number,
    name: string,
    private readonly script: string[],
  ) {
    super(perChild, name);
  }

  async runMutants(req: MutantsRequest): Promise<BatchResult> {
    this.requests.push(req);
    let execs = 0;
    while (execs < req.count) {
      // Past the script's end, mutants reach nothing new.
      const next = this.script.shift();
      if (next === undefined) return { execs: req.count, elapsedUs: 1, findings: [], restarts: 0 };
      const res = await this.runBatch(inputs(next), { feedback: true, stopOnFinding: true });
      execs++;
      // Like the runtime, a batch ends at its first finding of any kind.
      const f = res.findings[0];
      if (f !== undefined) {
        const finding = { ...f, index: execs - 1, input: Buffer.from(next) };
        return { execs, elapsedUs: execs, findings: [finding], restarts: 0 };
      }
    }
    return { execs, elapsedUs: execs, findings: [], restarts: 0 };
  }
}

function setup(): {
  hybrid: HybridExecutor;
  fast: LeakyTarget;
  fresh: LeakyTarget;
  dropped: string[];
} {
  const fast = new LeakyTarget(1000, 'persistent');
  const fresh = new LeakyTarget(1, 'fork');
  const dropped: string[] = [];
  const hybrid = new HybridExecutor(fast, fresh, {
    onNotReproduced: (input, f) => dropped.push(`${input.toString('latin1')}:${f.kind}`),
  });
  return { hybrid, fast, fresh, dropped };
}

const inputs = (...s: string[]): Buffer[] => s.map((x) => Buffer.from(x));

test('a crash that needs an earlier input in the same child is not reported', async () => {
  const { hybrid, fresh, dropped } = setup();
  const res = await hybrid.runBatch(inputs('P', 'X'), { feedback: true });
  assert.deepEqual(
    res.findings.filter((f) => f.kind !== 'ok'),
    [],
  );
  assert.deepEqual(dropped, ['X:crash']);
  assert.equal(hybrid.counts.notReproduced, 1);
  // Only 'X' ran again in a fresh process, for its crash; 'P''s new coverage needs no fork.
  assert.equal(fresh.execs, 1);
});

test('a timeout that needs an earlier input is not reported either', async () => {
  const { hybrid, dropped } = setup();
  const res = await hybrid.runBatch(inputs('P', 'T'), { feedback: false });
  assert.deepEqual(res.findings, []);
  assert.deepEqual(dropped, ['T:timeout']);
});

test('a crash that reproduces is reported with the fresh run as its result', async () => {
  const { hybrid } = setup();
  const res = await hybrid.runBatch(inputs('A', 'B', 'A'), { feedback: true });
  assert.equal(res.execs, 2);
  const crash = res.findings.find((f) => f.kind !== 'ok');
  assert.ok(crash !== undefined);
  assert.equal(crash.kind, 'sanitizer');
  assert.equal(crash.index, 1);
  assert.equal(crash.output.toString(), 'fork ran B');
  assert.equal(hybrid.counts.notReproduced, 0);
});

test('new coverage is taken from the persistent child as it is, without a fork to confirm it', async () => {
  // libFuzzer keeps such inputs too; a confirming fork per new input cost more than it saved.
  const { hybrid, fast, fresh } = setup();
  const res = await hybrid.runBatch(inputs('P', 'C'), { feedback: true });
  assert.deepEqual(
    res.findings.map((f) => [f.index, f.kind, f.newCoverage]),
    [
      [0, 'ok', true],
      [1, 'ok', true],
    ],
  );
  assert.equal(fast.acc[2], 1, 'the persistent run reached edge 2');
  assert.equal(hybrid.coverage()[2], 1, 'the reported coverage is the persistent map');
  assert.equal(fresh.execs, 0, 'no fork ran');
  assert.equal(hybrid.counts.confirmations, 0);
});

test('a batch cut short by an end that does not reproduce runs to its end', async () => {
  const { hybrid, fast } = setup();
  const res = await hybrid.runBatch(inputs('P', 'X', 'A'), { feedback: true });
  assert.equal(res.execs, 3);
  assert.equal(fast.execs, 3);
  assert.deepEqual(
    res.findings.map((f) => [f.index, f.kind]),
    [
      [0, 'ok'],
      [2, 'ok'],
    ],
  );
});

test('the fuzzing loop over the hybrid reports the real crash, not the leaked one', async () => {
  const { hybrid, dropped } = setup();
  const reported: string[] = [];
  const corpus: string[] = [];
  const loop = new FuzzLoop(
    hybrid,
    {
      rng: createRng(1),
      maxLen: 8,
      dictionary: [],
      mutator: jsMutator(),
      maxTotalTimeMs: 0,
      maxRuns: 100,
      batchTargetMs: 10,
    },
    {
      onNew: (input) => corpus.push(input.toString('latin1')),
      onFinding: (input, f) => {
        reported.push(`${input.toString('latin1')}:${f.output.toString()}`);
        return false;
      },
    },
  );
  const end = await loop.run(inputs('P', 'C', 'X', 'A', 'B'));
  assert.equal(end, 'finding');
  assert.deepEqual(reported, ['B:fork ran B']);
  assert.deepEqual(dropped, ['X:crash']);
  assert.deepEqual(corpus, ['P', 'C', 'A']);
});

test('mutants made in the target: a leaked crash is dropped, a real one keeps its input', async () => {
  const fast = new MutatingTarget(1000, 'persistent', ['P', 'X', 'Q', 'B']);
  const fresh = new LeakyTarget(1, 'fork');
  const hybrid = new HybridExecutor(fast, fresh);
  const req = { parents: inputs('Z'), tokens: [], count: 2, seed: 1, lenLimit: 8, maxLen: 8 };
  const first = await hybrid.runMutants(req);
  // 'P' had new coverage (edge 0) in both; then 'X' crashed only in the poisoned child.
  assert.deepEqual(
    first.findings.map((f) => [f.index, f.kind, f.input?.toString()]),
    [[0, 'ok', 'P']],
  );
  // 'X' ends the next batch, and crashes only in the poisoned child: nothing is passed on.
  const second = await hybrid.runMutants({ ...req, count: 3 });
  assert.deepEqual(second.findings, []);
  assert.equal(hybrid.counts.notReproduced, 1);
  const third = await hybrid.runMutants({ ...req, count: 3 });
  assert.deepEqual(
    third.findings.map((f) => [f.kind, f.input?.toString(), f.output.toString()]),
    [['sanitizer', 'B', 'fork ran B']],
  );
});

test('the fuzzing loop hands its havoc batches to the target when it makes mutants', async () => {
  const fast = new MutatingTarget(1000, 'persistent', ['A', 'Q', 'Q', 'B']);
  const hybrid = new HybridExecutor(fast, new LeakyTarget(1, 'fork'));
  const reported: string[] = [];
  const loop = new FuzzLoop(
    hybrid,
    {
      rng: createRng(3),
      maxLen: 8,
      dictionary: [],
      mutator: jsMutator(),
      maxTotalTimeMs: 0,
      maxRuns: 100,
      batchTargetMs: 10,
    },
    {
      onNew: () => undefined,
      onFinding: (input, f) => {
        reported.push(`${input.toString('latin1')}:${f.kind}`);
        return false;
      },
    },
  );
  assert.equal(await loop.run(inputs('Z')), 'finding');
  assert.deepEqual(reported, ['B:sanitizer']);
  assert.ok(fast.requests.length > 0);
  // The parents are corpus entries, each within -max_len.
  assert.ok(fast.requests.every((r) => r.parents.every((p) => ['Z', 'A'].includes(p.toString()))));
  assert.ok(fast.requests.every((r) => r.maxLen === 8 && r.parents.length > 0));
});
