// TaskTimer: per-name counts, longest and total durations, with a fake clock.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { TaskTimer } from '../../../src/extension/perf/taskTimer';

/** A clock that advances by the given steps, one per read. */
function steppingClock(steps: number[]): () => number {
  let t = 0;
  let i = 0;
  return () => {
    const now = t;
    t += steps[i++ % steps.length] ?? 0;
    return now;
  };
}

test('records count, longest and total run per task name, longest first', () => {
  // Reads come in pairs (start, end): runs of 5, 30 and 10 ms.
  const timer = new TaskTimer(steppingClock([5, 0, 30, 0, 10, 0]));
  timer.time('status', () => undefined);
  timer.time('coverage', () => undefined);
  timer.time('status', () => undefined);
  assert.deepEqual(timer.stats(), [
    { name: 'coverage', count: 1, maxMs: 30, totalMs: 30 },
    { name: 'status', count: 2, maxMs: 10, totalMs: 15 },
  ]);
});

test('returns the task result and records a task that throws', () => {
  const timer = new TaskTimer(steppingClock([7, 0]));
  assert.equal(
    timer.time('x', () => 42),
    42,
  );
  assert.throws(
    () =>
      timer.time('bad', () => {
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.deepEqual(
    timer.stats().map((s) => [s.name, s.count]),
    [
      ['x', 1],
      ['bad', 1],
    ],
  );
});

test('wrap times every call with its arguments; reset forgets', () => {
  const timer = new TaskTimer(steppingClock([1, 0]));
  const seen: number[] = [];
  const handler = timer.wrap('notify', (a: number, b: number) => seen.push(a + b));
  handler(1, 2);
  handler(3, 4);
  assert.deepEqual(seen, [3, 7]);
  assert.equal(timer.stats()[0]?.count, 2);
  timer.reset();
  assert.deepEqual(timer.stats(), []);
});
