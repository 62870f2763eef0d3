// The watch that stops an input running past the time limit: only while the target has one.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { watchDeadline } from '../../../src/engine/session/deadline';

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
