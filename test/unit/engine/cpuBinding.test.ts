// The core picker: kernel CPU lists, /proc status masks, and choosing a core nobody else holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedCpus, chooseCpu, parseCpuList } from '../../../src/engine/exec/cpuBinding';

test('CPU lists: single cores, ranges, mixes; anything else is refused', () => {
  assert.deepEqual(parseCpuList('0'), [0]);
  assert.deepEqual(parseCpuList('0-3'), [0, 1, 2, 3]);
  assert.deepEqual(parseCpuList('0-1,4,6-7\n'), [0, 1, 4, 6, 7]);
  assert.equal(parseCpuList('3-1'), undefined);
  assert.equal(parseCpuList('a'), undefined);
  assert.equal(parseCpuList('0-999999'), undefined);
});

test('the allowed list is read from a /proc status text', () => {
  const status = 'Name:\tnode\nState:\tS (sleeping)\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1\n';
  assert.deepEqual(allowedCpus(status), [0, 1]);
  assert.equal(allowedCpus('Name:\tx\n'), undefined);
});

test('a core bound by another process is skipped; the preferred one comes first', () => {
  assert.equal(chooseCpu([0, 1], new Set()), 0);
  assert.equal(chooseCpu([0, 1], new Set([0])), 1);
  assert.equal(chooseCpu([0, 1], new Set(), 1), 1, 'worker 1 starts at the second core');
  assert.equal(chooseCpu([2, 5, 7], new Set([5]), 1), 7);
  assert.equal(chooseCpu([0, 1], new Set([0, 1])), undefined, 'no free core: unbound');
  assert.equal(chooseCpu([3], new Set()), undefined, 'one core only: binding gains nothing');
});
