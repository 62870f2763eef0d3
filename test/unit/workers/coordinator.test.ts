// The parent's bookkeeping: one corpus by content, relays to the other live workers, summed stats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoopStats } from '../../../src/engine/fuzz/loop';
import { Coordinator } from '../../../src/engine/workers/coordinator';

function stats(execs: number, cov = 0): LoopStats {
  return { execs, cov, corpus: 0, elapsedMs: 0, execsPerSec: 0 };
}

test('a new input is announced once and queued for every other worker', () => {
  const c = new Coordinator(3);
  assert.equal(c.onNew(0, Buffer.from('a'), stats(10, 3)), true);
  assert.equal(c.onNew(1, Buffer.from('a'), stats(5, 3)), false, 'same content from a peer');
  assert.equal(c.onNew(2, Buffer.from('b'), stats(7, 4)), true);
  const out = c.takeOutboxes();
  assert.deepEqual(
    out.map((o) => [o.index, o.inputs.map((i) => i.toString())]),
    [
      [0, ['b']],
      [1, ['a', 'b']],
      [2, ['a']],
    ],
  );
  assert.deepEqual(c.takeOutboxes(), [], 'outboxes are emptied');
  assert.equal(c.summary().relayed, 4);
  assert.equal(c.stats().corpus, 2);
});

test('stats sum executions, keep the best coverage, and count what peers kept', () => {
  let now = 0;
  const c = new Coordinator(2, () => now);
  c.onPulse(0, stats(600, 5));
  c.onPulse(1, stats(400, 7));
  c.onPeerKept(1, stats(450, 8));
  now = 2000;
  c.freeze();
  now = 2500;
  const s = c.stats();
  assert.equal(s.execs, 1050);
  assert.equal(s.cov, 8);
  assert.equal(
    s.execsPerSec,
    525,
    'the time after freeze() (workers shutting down) is not counted',
  );
  const w = c.summary().workers;
  assert.deepEqual(
    w.map((x) => [x.execs, x.peerKept]),
    [
      [600, 0],
      [450, 1],
    ],
  );
});

test('a pulse is due each time the total passes a power of two from 1024', () => {
  const c = new Coordinator(2);
  assert.equal(c.onPulse(0, stats(600)), false);
  assert.equal(c.onPulse(1, stats(500)), true, '1100 passes 1024');
  assert.equal(c.onPulse(1, stats(900)), false, '1500 < 2048');
  assert.equal(c.onPulse(0, stats(5000)), true);
  assert.equal(c.onPulse(0, stats(5100)), false);
});

test('a worker that died keeps its executions; its restart starts from the whole corpus', () => {
  const c = new Coordinator(2);
  c.onNew(0, Buffer.from('x'), stats(300));
  c.onNew(1, Buffer.from('y'), stats(200));
  c.onExit(1);
  assert.deepEqual(
    c.takeOutboxes().map((o) => [o.index, o.inputs.map((i) => i.toString())]),
    [[0, ['y']]],
    'what waited for the dead worker is dropped',
  );
  c.onNew(0, Buffer.from('z'), stats(400));
  assert.deepEqual(c.takeOutboxes(), [], 'a dead worker gets no relay');
  const seeds = c.onRestart(1);
  assert.deepEqual(
    seeds.map((s) => s.toString()),
    ['x', 'y', 'z'],
  );
  c.onPulse(1, stats(50));
  assert.equal(c.execsOf(1), 250);
  assert.equal(c.totalExecs(), 650);
  assert.equal(c.summary().workers[1]?.restarts, 1);
});
