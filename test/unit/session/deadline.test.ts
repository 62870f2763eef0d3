// The watch that stops an input running past the time limit: only while the target has one.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { OverrunGuard, watchDeadline } from '../../../src/engine/session/deadline';

test('past its time, the watch stops an input the target is running', async () => {
  let stops = 0;
  const w = watchDeadline(
    20,
    () => true,
    () => stops++,
  );
  assert.equal(w.fired, false);
  await sleep(80);
  assert.equal(stops, 1);
  assert.equal(w.fired, true);
  await sleep(300);
  assert.equal(stops, 1, 'once');
});

test('while the loop does its own work (a finding triaged), the watch waits for the target', async () => {
  let busy = false;
  let stops = 0;
  const w = watchDeadline(
    10,
    () => busy,
    () => stops++,
  );
  await sleep(100);
  assert.equal(stops, 0);
  assert.equal(w.fired, false);
  busy = true;
  await sleep(400);
  assert.equal(stops, 1);
  assert.equal(w.fired, true);
});

test('a cancelled watch never stops anything', async () => {
  let stops = 0;
  const w = watchDeadline(
    20,
    () => true,
    () => stops++,
  );
  w.cancel();
  await sleep(80);
  assert.equal(stops, 0);
  assert.equal(w.fired, false);
});

test('a run the guard cut short ends at its limit; any other failure is still thrown', async () => {
  // The watch's timers are unref'd (a live executor keeps a real run's process up): hold it here.
  const keep = setInterval(() => undefined, 50);
  const warnings: string[] = [];
  let abort: (err: Error) => void = () => undefined;
  const guard = new OverrunGuard(
    { inTarget: true },
    () => {
      abort(new Error('the executor was stopped'));
      return Promise.resolve();
    },
    { timeoutMs: 1_200_000, maxTotalTimeMs: 1 },
    (m) => warnings.push(m),
  );
  const end = await guard.run(() => new Promise((_resolve, reject) => (abort = reject)));
  assert.equal(end, 'time');
  assert.match(warnings[0] ?? '', /1 s after -max_total_time .* -timeout is 1200 s/);
  const calm = new OverrunGuard(
    { inTarget: true },
    () => Promise.resolve(),
    { timeoutMs: 1000, maxTotalTimeMs: 60_000 },
    () => undefined,
  );
  await assert.rejects(
    calm.run(() => Promise.reject(new Error('target died'))),
    /target died/,
  );
  clearInterval(keep);
});
