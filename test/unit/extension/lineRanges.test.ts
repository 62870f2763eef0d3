// Line runs: consecutive lines of one state merge; gaps, state changes and out-of-file lines split.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countRunLines, groupLineRuns } from '../../../src/extension/coverage/lineRanges';
import type { LineState } from '../../../src/protocol/messages';

const lines = (entries: [number, LineState][]) => new Map(entries);

test('consecutive lines of the same state become one 0-based run', () => {
  const runs = groupLineRuns(
    lines([
      [3, 'covered'],
      [1, 'covered'],
      [2, 'covered'],
      [4, 'uncovered'],
      [5, 'covered'],
      [7, 'covered'],
      [8, 'partial'],
    ]),
  );
  assert.deepEqual(runs, {
    covered: [
      { start: 0, end: 2 },
      { start: 4, end: 4 },
      { start: 6, end: 6 },
    ],
    partial: [{ start: 7, end: 7 }],
    uncovered: [{ start: 3, end: 3 }],
  });
});

test('lines beyond the document and line 0 are dropped', () => {
  const runs = groupLineRuns(
    lines([
      [0, 'covered'],
      [9, 'covered'],
      [10, 'covered'],
      [11, 'uncovered'],
    ]),
    10,
  );
  assert.deepEqual(runs.covered, [{ start: 8, end: 9 }]);
  assert.deepEqual(runs.uncovered, []);
});

test('10,000 alternating lines keep every line, in as few runs as the states allow', () => {
  const states: LineState[] = ['covered', 'covered', 'covered', 'uncovered', 'partial'];
  const map = new Map<number, LineState>();
  for (let l = 1; l <= 10_000; l++) map.set(l, states[l % states.length] as LineState);
  const runs = groupLineRuns(map);
  assert.deepEqual(countRunLines(runs), { covered: 6000, partial: 2000, uncovered: 2000 });
  // Every 5 lines: one covered run of 3, one uncovered, one partial.
  assert.equal(runs.covered.length + runs.partial.length + runs.uncovered.length, 6001);
});
