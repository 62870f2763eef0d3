// The status rate limit: routine numbers at most every interval, findings and ends at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatusParams, StatusTag } from '../../../src/protocol/messages';
import { StatusThrottle } from '../../../src/engine/server/statusThrottle';

function status(tag: StatusTag, execs: number): StatusParams {
  return {
    sessionId: 1,
    tag,
    execs,
    execsPerSec: 0,
    cov: 0,
    corpus: 0,
    uniqueFindings: 0,
    elapsedMs: 0,
  };
}

test('holds back routine statuses inside the interval and hands out only the newest', () => {
  const t = new StatusThrottle(250);
  assert.equal(t.offer(status('NEW', 1), 0)?.execs, 1);
  assert.equal(t.offer(status('NEW', 2), 100), undefined);
  assert.equal(t.offer(status('pulse', 3), 200), undefined);
  assert.equal(t.due(240), undefined, 'not before the interval');
  assert.equal(t.due(250)?.execs, 3);
  assert.equal(t.due(600), undefined, 'handed out once');
  assert.equal(t.offer(status('NEW', 4), 600)?.execs, 4);
});

test('findings and ends are never held back, and drop an older held status', () => {
  const t = new StatusThrottle(250);
  t.offer(status('NEW', 1), 0);
  assert.equal(t.offer(status('NEW', 2), 10), undefined);
  assert.equal(t.offer(status('UNIQUE', 3), 20)?.tag, 'UNIQUE');
  assert.equal(t.offer(status('DONE', 4), 30)?.tag, 'DONE');
  assert.equal(t.due(1000), undefined);
});

test('quietFor tells the pulse timer when nothing went out for a while', () => {
  const t = new StatusThrottle(250);
  assert.equal(t.quietFor(1000, 0), true);
  t.offer(status('NEW', 1), 0);
  assert.equal(t.quietFor(1000, 500), false);
  assert.equal(t.quietFor(1000, 1000), true);
  t.offer(status('NEW', 2), 1100);
  assert.equal(t.offer(status('NEW', 3), 1200), undefined);
  assert.equal(t.quietFor(1000, 5000), false, 'a held status goes first');
});
