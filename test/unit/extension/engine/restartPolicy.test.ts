// The engine restart backoff: doubling from 1 s to a 30 s cap, reset by a stable minute.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartPolicy } from '../../../../src/extension/engine/restartPolicy';

test('doubles the delay from 1 s up to 30 s while the engine keeps dying', () => {
  const p = new RestartPolicy();
  const delays: number[] = [];
  let now = 0;
  for (let i = 0; i < 8; i++) {
    p.started(now);
    now += 500;
    const d = p.nextDelay(now);
    delays.push(d);
    now += d;
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  assert.equal(p.attempts, 8);
});

test('a minute without dying starts again from 1 s', () => {
  const p = new RestartPolicy();
  p.started(0);
  assert.equal(p.nextDelay(100), 1000);
  p.started(1100);
  assert.equal(p.nextDelay(1200), 2000);
  p.started(3200);
  assert.equal(p.nextDelay(3200 + 59_999), 4000, 'just short of a minute is not stable');
  p.started(70_000);
  assert.equal(p.nextDelay(70_000 + 60_000), 1000);
});

test('a death before the engine ever started counts as a failure', () => {
  const p = new RestartPolicy({ firstDelayMs: 10, maxDelayMs: 25, stableMs: 100 });
  assert.equal(p.nextDelay(0), 10);
  assert.equal(p.nextDelay(1), 20);
  assert.equal(p.nextDelay(2), 25);
});
