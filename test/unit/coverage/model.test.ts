// The coverage model and its deltas: line and function states, changes only, gcc points added late.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CoverageModel,
  newlyHit,
  stateOf,
  type SourcePoint,
} from '../../../src/engine/coverage/model';

const P = (counter: number, line: number, func = 'f', file = '/w/a.c'): SourcePoint => ({
  counter,
  file,
  line,
  column: 1,
  func,
});

function cov(size: number, hit: number[]): Uint8Array {
  const c = new Uint8Array(size);
  for (const h of hit) c[h] = 1;
  return c;
}

test('stateOf', () => {
  const cases: [number, number, string][] = [
    [3, 0, 'uncovered'],
    [3, 1, 'partial'],
    [3, 3, 'covered'],
    [1, 1, 'covered'],
  ];
  for (const [total, hit, want] of cases)
    assert.equal(stateOf({ total, hit }), want, `${hit}/${total}`);
});

test('newlyHit finds non-zero bytes at any alignment and skips seen ones', () => {
  const cases: { offset: number; hits: number[]; seen: number[]; want: number[] }[] = [
    { offset: 0, hits: [], seen: [], want: [] },
    { offset: 0, hits: [0, 7, 8, 63], seen: [], want: [0, 7, 8, 63] },
    { offset: 3, hits: [0, 4, 5, 40, 60], seen: [5], want: [0, 4, 40, 60] },
    { offset: 1, hits: [62], seen: [], want: [62] },
  ];
  for (const c of cases) {
    const backing = new Uint8Array(64 + c.offset);
    const view = backing.subarray(c.offset, c.offset + 63);
    for (const h of c.hits) if (h < view.length) view[h] = 2;
    const want = c.want.filter((w) => w < view.length);
    assert.deepEqual(newlyHit(view, new Set(c.seen)), want, JSON.stringify(c));
  }
});

test('first delta is the whole map; later deltas carry only changes', () => {
  const m = new CoverageModel();
  m.addPoints([P(0, 10), P(1, 10), P(2, 11), P(3, 20, 'g')]);
  const d1 = m.delta();
  assert.deepEqual(
    d1.files[0]?.lines.map((l) => [l.line, l.state]),
    [
      [10, 'uncovered'],
      [11, 'uncovered'],
      [20, 'uncovered'],
    ],
  );
  assert.equal(d1.totals.edges, 4);
  m.update(cov(8, [0]));
  const d2 = m.delta();
  assert.deepEqual(d2.files[0]?.lines, [{ line: 10, state: 'partial' }]);
  assert.deepEqual(d2.files[0]?.functions, [{ name: 'f', line: 10, state: 'partial' }]);
  m.update(cov(8, [0]));
  assert.deepEqual(m.delta().files, [], 'nothing new, nothing sent');
  m.update(cov(8, [0, 1, 2, 3]));
  const d3 = m.delta();
  assert.deepEqual(
    d3.files[0]?.lines.map((l) => [l.line, l.state]),
    [
      [10, 'covered'],
      [11, 'covered'],
      [20, 'covered'],
    ],
  );
  assert.deepEqual(d3.totals, {
    files: 1,
    lines: 3,
    linesHit: 3,
    functions: 2,
    functionsHit: 2,
    edges: 4,
    edgesHit: 4,
  });
});

test('points added after their counter was hit (gcc) arrive covered', () => {
  const m = new CoverageModel();
  m.update(cov(8, [5]));
  m.addPoints([P(5, 3, 'h', '/w/b.c')]);
  const d = m.delta();
  assert.deepEqual(d.files, [
    {
      file: '/w/b.c',
      lines: [{ line: 3, state: 'covered' }],
      functions: [{ name: 'h', line: 3, state: 'covered' }],
    },
  ]);
});

test('a counter keeps its first location; files are sorted in snapshots', () => {
  const m = new CoverageModel();
  m.addPoints([P(1, 5, 'f', '/w/z.c'), P(1, 9, 'f', '/w/a.c'), P(2, 1, 'k', '/w/a.c')]);
  m.updateCounters([2]);
  const snap = m.snapshot();
  assert.deepEqual(
    snap.map((f) => f.file),
    ['/w/a.c', '/w/z.c'],
  );
  assert.deepEqual(snap[0]?.lines, [{ line: 1, total: 1, hit: 1 }]);
  assert.deepEqual(snap[1]?.lines, [{ line: 5, total: 1, hit: 0 }]);
});
