// The exporters: lcov records, sancov -symbolize JSON, the per-file summary.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLcovLines, toLcov } from '../../../src/engine/coverage/lcov';
import { CoverageModel, type SourcePoint } from '../../../src/engine/coverage/model';
import { toSancovJson } from '../../../src/engine/coverage/sancovJson';
import { formatSummary, summarize } from '../../../src/engine/coverage/summary';

const P = (counter: number, line: number, func: string, file = '/w/a.c'): SourcePoint => ({
  counter,
  file,
  line,
  column: 2,
  func,
});

function sample(): CoverageModel {
  const m = new CoverageModel();
  m.addPoints([
    P(0, 3, 'main'),
    P(1, 4, 'main'),
    P(2, 4, 'main'),
    P(3, 9, 'unused'),
    P(4, 1, 'k', '/w/b.c'),
  ]);
  m.updateCounters([0, 1, 4]);
  return m;
}

test('lcov: functions, branches of multi-edge lines, lines, one record per file', () => {
  const text = toLcov(sample().snapshot());
  assert.equal(
    text.split('end_of_record\n')[0],
    [
      'TN:',
      'SF:/w/a.c',
      'FN:3,main',
      'FN:9,unused',
      'FNDA:1,main',
      'FNDA:0,unused',
      'FNF:2',
      'FNH:1',
      'BRDA:4,0,0,1',
      'BRDA:4,0,1,-',
      'BRF:2',
      'BRH:1',
      'DA:3,1',
      'DA:4,1',
      'DA:9,0',
      'LF:3',
      'LH:2',
      '',
    ].join('\n'),
  );
  assert.equal(text.match(/end_of_record/g)?.length, 2);
  const parsed = parseLcovLines(text);
  assert.deepEqual(
    [...(parsed.get('/w/a.c') ?? [])],
    [
      [3, true],
      [4, true],
      [9, false],
    ],
  );
  assert.equal(toLcov([]), '');
});

test('sancov JSON: covered points, hash, every located point by file and function', () => {
  const json = toSancovJson(
    [
      { offset: 0x20, hit: true, location: { file: '/w/a.c', line: 3, column: 5, func: 'main' } },
      {
        offset: 0x10,
        hit: false,
        location: { file: '/w/a.c', line: 9, column: 1, func: 'unused' },
      },
      { offset: 0x30, hit: true, location: undefined },
    ],
    'ABC',
  );
  assert.deepEqual(json, {
    'covered-points': ['20', '30'],
    'binary-hash': 'ABC',
    'point-symbol-info': { '/w/a.c': { unused: { '10': '9:1' }, main: { '20': '3:5' } } },
  });
});

test('summary rows, totals and unresolved names', () => {
  const m = sample();
  const rows = summarize(m.snapshot());
  assert.deepEqual(rows[0], {
    file: '/w/a.c',
    lines: 3,
    linesHit: 2,
    functions: 2,
    functionsHit: 1,
    edges: 4,
    edgesHit: 2,
  });
  const text = formatSummary(rows, m.totals(), ['gen/x.c']);
  assert.match(text, /\/w\/a\.c\s+2\/3 66\.7%\s+1\/2 50\.0%\s+2\/4 50\.0%/);
  assert.match(text, /^TOTAL\s+3\/4 75\.0%/m);
  assert.match(text, /unresolved source files \(1/);
  assert.match(text, /^ {2}gen\/x\.c$/m);
});
