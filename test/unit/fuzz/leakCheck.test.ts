// The leak detector over a loop executor: leaky inputs are checked, fruitless or impossible checks turn it off.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FREE_CHECK_MS,
  LeakDetectingExecutor,
  MAX_FRUITLESS_CHECKS,
} from '../../../src/engine/fuzz/leakCheck';
import type { LoopExecutor } from '../../../src/engine/fuzz/loop';
import type {
  BatchFinding,
  BatchResult,
  ExecResult,
  MutantsRequest,
} from '../../../src/engine/native/types';

const LSAN_REPORT =
  '==1==ERROR: LeakSanitizer: detected memory leaks\n\nDirect leak of 3 byte(s) in 1 object(s)';

function end(over: Partial<ExecResult> = {}): ExecResult {
  return {
    kind: 'ok',
    signal: 0,
    exitCode: -1,
    output: Buffer.alloc(0),
    outputTruncated: false,
    durationUs: 1,
    ret: 0,
    newCoverage: false,
    pid: 1,
    ...over,
  };
}

/** Inputs starting with 'L' are leaky, 'N' new coverage; batch findings as the addon reports them. */
class FakeTarget implements LoopExecutor {
  readonly checked: string[] = [];
  stopped = 0;
  checkEnd: (input: Buffer) => ExecResult = (input) =>
    input[1] === 'K'.charCodeAt(0)
      ? end({ kind: 'sanitizer', exitCode: 76, output: Buffer.from(LSAN_REPORT) })
      : end();

  coverage(): Buffer {
    return Buffer.alloc(1);
  }

  private finding(input: Buffer, index: number): BatchFinding | undefined {
    const leaky = input[0] === 'L'.charCodeAt(0);
    const newCoverage = input[0] === 'N'.charCodeAt(0);
    if (!leaky && !newCoverage) return undefined;
    return { ...end({ newCoverage, ...(leaky ? { leaky } : {}) }), index };
  }

  runBatch(inputs: Buffer[]): Promise<BatchResult> {
    const findings = inputs.flatMap((input, i) => this.finding(input, i) ?? []);
    return Promise.resolve({ execs: inputs.length, elapsedUs: 1, findings, restarts: 0 });
  }

  runMutants(req: MutantsRequest): Promise<BatchResult> {
    const input = req.parents[0] ?? Buffer.alloc(0);
    const f = this.finding(input, 0);
    const findings = f !== undefined ? [{ ...f, input }] : [];
    return Promise.resolve({ execs: 1, elapsedUs: 1, findings, restarts: 0 });
  }

  checkLeaks(input: Buffer): Promise<ExecResult> {
    this.checked.push(input.toString('latin1'));
    return Promise.resolve(this.checkEnd(input));
  }
}

function detector(
  t: FakeTarget,
  events: { off: string[] } = { off: [] },
  now: () => number = () => 0,
): LeakDetectingExecutor {
  return new LeakDetectingExecutor(
    t,
    t,
    () => t.stopped++,
    { onLeaksOff: (m) => events.off.push(m) },
    now,
  );
}

const inputs = (...s: string[]): Buffer[] => s.map((x) => Buffer.from(x, 'latin1'));

test('a leaky input is checked and its leak follows it, at its index', async () => {
  const t = new FakeTarget();
  const d = detector(t);
  const res = await d.runBatch(inputs('aaa', 'LK1', 'N', 'L-2'));
  assert.deepEqual(t.checked, ['LK1', 'L-2']);
  assert.deepEqual(
    res.findings.map((f) => [f.index, f.kind]),
    [
      [1, 'ok'],
      [1, 'sanitizer'],
      [2, 'ok'],
      [3, 'ok'],
    ],
  );
  assert.match(res.findings[1]?.output.toString() ?? '', /LeakSanitizer: detected memory leaks/);
  assert.deepEqual(d.counts, { checks: 2, leaks: 1, skipped: 0 });
});

test('a leak among mutants made in the target carries the mutant', async () => {
  const t = new FakeTarget();
  const d = detector(t);
  assert.ok(d.runMutants !== undefined);
  const res = await d.runMutants({
    parents: inputs('LKm'),
    tokens: [],
    count: 1,
    seed: 1,
    lenLimit: 4,
    maxLen: 4,
  });
  const leak = res.findings.find((f) => f.kind !== 'ok');
  assert.equal(leak?.input?.toString(), 'LKm');
});

test('batches with no leaky input are passed on as they are, with no check', async () => {
  const t = new FakeTarget();
  const d = detector(t);
  const res = await d.runBatch(inputs('N', 'b'));
  assert.equal(res.findings.length, 1);
  assert.deepEqual(t.checked, []);
});

test(`${MAX_FRUITLESS_CHECKS} checks that find nothing turn detection off, once`, async () => {
  const t = new FakeTarget();
  const events = { off: [] as string[] };
  const d = detector(t, events);
  for (let i = 0; i < MAX_FRUITLESS_CHECKS + 5; i++) await d.runBatch(inputs(`L${i}`));
  assert.equal(t.checked.length, MAX_FRUITLESS_CHECKS);
  assert.equal(t.stopped, 1);
  assert.equal(events.off.length, 1);
  assert.match(events.off[0] ?? '', /global state/);
});

test('LeakSanitizer that cannot run turns detection off instead of reporting', async () => {
  const t = new FakeTarget();
  t.checkEnd = () =>
    end({
      kind: 'sanitizer',
      exitCode: 76,
      output: Buffer.from('==7==LeakSanitizer has encountered a fatal error.\n'),
    });
  const events = { off: [] as string[] };
  const d = detector(t, events);
  const res = await d.runBatch(inputs('LK', 'LK2'));
  assert.deepEqual(
    res.findings.map((f) => f.kind),
    ['ok', 'ok'],
  );
  assert.deepEqual(t.checked, ['LK']);
  assert.equal(t.stopped, 1);
  assert.match(events.off[0] ?? '', /ptrace/);
});

test('checks take a bounded share of the time: past it leaky inputs go unchecked', async () => {
  const t = new FakeTarget();
  let clock = 0;
  const slow = t.checkEnd;
  t.checkEnd = (input) => {
    clock += FREE_CHECK_MS;
    return slow(input);
  };
  const d = detector(t, { off: [] }, () => clock);
  await d.runBatch(inputs('L1', 'L2', 'L3'));
  assert.deepEqual(t.checked, ['L1', 'L2']);
  assert.equal(d.counts.skipped, 1);
  // Once the run has gone on long enough the share allows checks again.
  clock += 100 * FREE_CHECK_MS;
  await d.runBatch(inputs('L4'));
  assert.deepEqual(t.checked, ['L1', 'L2', 'L4']);
});

test('a check that runs out of time or memory is no finding: the input ran within them once', async () => {
  const t = new FakeTarget();
  const kinds = ['timeout', 'oom'] as const;
  let i = 0;
  t.checkEnd = () => end({ kind: kinds[i++ % 2] ?? 'timeout', exitCode: 70 });
  const d = detector(t);
  const res = await d.runBatch(inputs('LK1', 'LK2'));
  assert.deepEqual(
    res.findings.map((f) => f.kind),
    ['ok', 'ok'],
  );
  assert.deepEqual(d.counts, { checks: 2, leaks: 0, skipped: 0 });
});
