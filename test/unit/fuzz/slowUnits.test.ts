// SlowUnits: which slow inputs are written (libFuzzer's 10%-slower rule) and what a failed write does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  slowUnitLine,
  slowUnitPath,
  SlowUnits,
  type SlowUnit,
} from '../../../src/engine/fuzz/slowUnits';

function units(thresholdMs = 1000) {
  const written: string[] = [];
  const store = new SlowUnits('out/', thresholdMs, (path) => written.push(path));
  return { store, written };
}

test('an input under the threshold is never written', () => {
  const { store, written } = units();
  assert.equal(store.consider(Buffer.from('a'), 999_999), undefined);
  assert.deepEqual(written, []);
});

test('each new slowest input is written only when 10% slower than the last one written', () => {
  const { store, written } = units();
  const a = store.consider(Buffer.from('a'), 2_000_000);
  assert.deepEqual(a, { path: slowUnitPath('out/', Buffer.from('a')), seconds: 2 });
  assert.equal(store.consider(Buffer.from('b'), 2_100_000), undefined, 'only 5% slower');
  assert.equal(store.consider(Buffer.from('c'), 1_500_000), undefined, 'faster');
  assert.ok(store.consider(Buffer.from('d'), 2_300_000) !== undefined);
  assert.equal(written.length, 2);
  assert.match(written[1] ?? '', /^out\/slow-unit-[0-9a-f]{40}$/);
});

test('a threshold of 0 is off', () => {
  const { store, written } = units(0);
  assert.equal(store.consider(Buffer.from('a'), 100_000_000), undefined);
  assert.deepEqual(written, []);
});

test('a failed write is a warning, and the next unit must still be slower', () => {
  let fail = true;
  const store = new SlowUnits('out/', 1000, () => {
    if (fail) throw new Error('ENOSPC: no space left on device');
  });
  const said: string[] = [];
  const got: SlowUnit[] = [];
  const sink = { slowUnit: (u: SlowUnit) => got.push(u), warning: (m: string) => said.push(m) };
  store.report(Buffer.from('a'), 3_000_000, sink);
  assert.deepEqual(said, ['cannot write a slow unit: ENOSPC: no space left on device']);
  fail = false;
  store.report(Buffer.from('b'), 3_100_000, sink);
  assert.equal(got.length, 0, 'b is not 10% slower than a');
  store.report(Buffer.from('c'), 4_000_000, sink);
  assert.equal(got.length, 1);
  assert.equal(
    slowUnitLine(got[0] as SlowUnit),
    `==fuzzwb== slowest unit: 4.0 s, input written to ${got[0]?.path}`,
  );
});
