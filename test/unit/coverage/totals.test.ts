// The model's running totals agree with a full recount, whatever order points arrive and are hit in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoverageModel, newlyHit, type SourcePoint } from '../../../src/engine/coverage/model';
import { createRng } from '../../../src/engine/fuzz/rng';

function recount(model: CoverageModel) {
  const snap = model.snapshot();
  const lines = snap.flatMap((f) => f.lines);
  const funcs = snap.flatMap((f) => f.functions);
  return {
    files: snap.length,
    lines: lines.length,
    linesHit: lines.filter((l) => l.hit > 0).length,
    functions: funcs.length,
    functionsHit: funcs.filter((f) => f.hit > 0).length,
    edges: snap.reduce((n, f) => n + f.points.length, 0),
    edgesHit: lines.reduce((n, l) => n + l.hit, 0),
  };
}

test('running totals match a recount after random adds and hits', () => {
  const rng = createRng(11);
  const model = new CoverageModel();
  for (let round = 0; round < 50; round++) {
    const points: SourcePoint[] = [];
    for (let i = 0; i < 20; i++) {
      const counter = rng.below(500);
      const file = `f${rng.below(4)}.c`;
      points.push({
        counter,
        file,
        line: rng.below(40),
        column: 1,
        func: `${file}:fn${rng.below(5)}`,
      });
    }
    model.addPoints(points);
    model.updateCounters(Array.from({ length: 15 }, () => rng.below(600)));
    assert.deepEqual(model.totals(), recount(model), `round ${round}`);
  }
});

test('newlyHit finds every non-zero byte not seen yet, at any alignment', () => {
  const buf = new Uint8Array(67);
  for (const i of [0, 3, 4, 31, 32, 33, 66]) buf[i] = 1;
  for (const off of [0, 1, 2, 3]) {
    const view = buf.subarray(off);
    const want = [0, 3, 4, 31, 32, 33, 66].filter((i) => i >= off).map((i) => i - off);
    assert.deepEqual(newlyHit(view, new Set()), want, `offset ${off}`);
    assert.deepEqual(newlyHit(view, new Set(want.slice(1))), want.slice(0, 1));
  }
});
