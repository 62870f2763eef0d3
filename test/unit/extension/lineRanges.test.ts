// Gutter drawing: line runs (consecutive lines of one state merge) and the recoloured icons.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tintIcon, tintedIconName } from '../../../src/extension/coverage/gutterIcons';
import { countRunLines, groupLineRuns } from '../../../src/extension/coverage/lineRanges';
import type { LineState } from '../../../src/protocol/messages';
import { repoRoot } from '../../helpers/paths';

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

test('gutter icons: the bar takes the configured colour, the highlights keep theirs', () => {
  const svg = readFileSync(join(repoRoot, 'media', 'coverage', 'partial.svg'), 'utf8');
  const tinted = tintIcon(svg, ' rgba(1, 2, 3, 0.5) ');
  assert.match(tinted, /<rect x="5" y="0" width="4" height="16" fill="rgba\(1, 2, 3, 0.5\)"\/>/);
  assert.equal((tinted.match(/fill="#f0f6fc"/g) ?? []).length, 2);
  assert.match(tintIcon(svg, 'x" onload="y'), /fill="x&quot; onload=&quot;y"/);
  assert.throws(() => tintIcon('<svg/>', 'red'), /no fill/);
  assert.equal(tintedIconName('covered', 'red'), tintedIconName('covered', ' red'));
  assert.notEqual(tintedIconName('covered', 'red'), tintedIconName('covered', 'blue'));
  assert.match(tintedIconName('partial', 'red'), /^partial-[0-9a-f]{12}\.svg$/);
});
