// WorkbenchState: sessions, stats history, coverage counts and finding replacement, with events.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatsHistory } from '../../../src/extension/state/statsHistory';
import { WorkbenchState, type StateChange } from '../../../src/extension/state/workbenchState';
import { ROOT, delta, finding, status } from './fixtures';

function recording(state: WorkbenchState): StateChange[] {
  const seen: StateChange[] = [];
  state.onChange((c) => seen.push(c));
  return seen;
}

test('coverage deltas keep per-file line states and hit counts, and name the changed files', () => {
  const state = new WorkbenchState();
  const seen = recording(state);
  state.applyCoverage(
    delta('/a.c', [
      [1, 'uncovered'],
      [2, 'uncovered'],
      [3, 'covered'],
    ]),
  );
  state.applyCoverage(
    delta('/a.c', [
      [1, 'partial'],
      [2, 'uncovered'],
    ]),
  );
  assert.deepEqual(state.coverage.counts('/a.c'), {
    file: '/a.c',
    linesTotal: 3,
    linesHit: 2,
    functionsTotal: 0,
    functionsHit: 0,
  });
  assert.equal(state.coverage.get('/a.c')?.lines.get(1), 'partial');
  assert.deepEqual(seen, [
    { kind: 'coverage', files: ['/a.c'] },
    { kind: 'coverage', files: ['/a.c'] },
  ]);
  // A delta that changes nothing is not an event: views would redraw for nothing.
  state.applyCoverage(delta('/a.c', [[1, 'partial']]));
  assert.equal(seen.length, 2);
});

test('a new session clears the previous coverage and says which files to clear', () => {
  const state = new WorkbenchState();
  state.applyCoverage(delta('/a.c', [[1, 'covered']]));
  const seen = recording(state);
  state.sessionStarted(7, 'device');
  assert.equal(state.coverage.get('/a.c'), undefined);
  assert.deepEqual(seen.at(-1), { kind: 'coverage', files: ['/a.c'] });
  assert.deepEqual(state.session, { id: 7, target: 'device', running: true });
});

test('notifications of an older session are ignored', () => {
  const state = new WorkbenchState();
  state.sessionStarted(2, 'device');
  state.applyStatus(status({ sessionId: 1, execsPerSec: 99 }));
  state.applyCoverage(delta('/a.c', [[1, 'covered']]), 1);
  assert.equal(state.history.latest(), undefined);
  assert.equal(state.coverage.get('/a.c'), undefined);
  state.applyStatus(status({ sessionId: 2, execsPerSec: 5 }));
  assert.equal(state.status?.execsPerSec, 5);
  state.sessionEnded({ sessionId: 1, end: 'stopped' });
  assert.equal(state.session?.running, true);
  state.sessionEnded({ sessionId: 2, end: 'error', error: 'target would not start' });
  assert.deepEqual(state.session, {
    id: 2,
    target: 'device',
    running: false,
    end: 'error',
    error: 'target would not start',
  });
});

test('notifications that arrive before the start response are kept when it comes', () => {
  const state = new WorkbenchState();
  state.sessionStarted(1, 'device');
  state.applyCoverage(delta('/old.c', [[1, 'covered']]), 1);
  state.sessionEnded({ sessionId: 1, end: 'stopped' });
  // Session 2's first (whole-map) delta overtakes its start response.
  state.applyCoverage(
    delta('/a.c', [
      [1, 'uncovered'],
      [2, 'covered'],
    ]),
    2,
  );
  state.applyStatus(status({ sessionId: 2 }));
  assert.equal(state.coverage.get('/old.c'), undefined, 'the new session replaced the old map');
  state.sessionStarted(2, 'parser');
  assert.equal(state.coverage.counts('/a.c')?.linesTotal, 2);
  assert.equal(state.status?.sessionId, 2);
  assert.deepEqual(state.session, { id: 2, target: 'parser', running: true });
});

test('a snapshot replaces the files it holds and keeps function counts without names', () => {
  const state = new WorkbenchState();
  state.applyCoverage(
    delta('/a.c', [
      [1, 'covered'],
      [9, 'covered'],
    ]),
  );
  state.applyCoverage(delta('/b.c', [[1, 'covered']]));
  state.applySnapshot({
    files: [
      {
        file: '/a.c',
        lines: [{ line: 2, state: 'uncovered' }],
        linesTotal: 1,
        linesHit: 0,
        functionsTotal: 4,
        functionsHit: 1,
      },
    ],
    totals: undefined,
  });
  assert.deepEqual([...(state.coverage.get('/a.c')?.lines.keys() ?? [])], [2]);
  assert.equal(state.coverage.counts('/a.c')?.functionsTotal, 4);
  assert.equal(state.coverage.counts('/a.c')?.functionsHit, 1);
  assert.ok(state.coverage.get('/b.c'), 'a file the snapshot does not mention is kept');
});

test('setFindings replaces all findings; upsert keeps one entry per crash state', () => {
  const state = new WorkbenchState();
  state.sessionStarted(1, 'device');
  const a = finding();
  const b = finding({ type: 'SIGSEGV', crashState: ['parse'] });
  state.setFindings([a, b]);
  assert.equal(state.findings().length, 2);
  state.upsertFinding({ sessionId: 1, record: { ...a, hitCount: 9, size: 3 }, isNew: false });
  assert.equal(state.findings().length, 2);
  assert.equal(state.findings().find((f) => f.record.type === a.type)?.record.size, 3);
  assert.equal(state.findings()[0]?.target, 'device');
  state.setFindings([b]);
  assert.deepEqual(
    state.findings().map((f) => f.record.type),
    ['SIGSEGV'],
  );
  state.setFindings([]);
  assert.equal(state.findings().length, 0);
});

test("an imported finding belongs to the import's target, not the last session's", () => {
  const state = new WorkbenchState();
  state.sessionStarted(1, 'device');
  const b = finding({ type: 'SIGSEGV', crashState: ['parse'] });
  state.upsertFinding({ sessionId: 0, record: b, isNew: true, target: 'parser' });
  assert.equal(state.findings()[0]?.target, 'parser');
  // Its next hits (a second import) stay with it too.
  state.upsertFinding({
    sessionId: 0,
    record: { ...b, hitCount: 2 },
    isNew: false,
    target: 'parser',
  });
  assert.deepEqual(
    state.findings().map((f) => [f.target, f.record.hitCount]),
    [['parser', 2]],
  );
});

test('a throwing listener does not keep the others from hearing about a change', () => {
  const errors: unknown[] = [];
  const state = new WorkbenchState((err) => errors.push(err));
  state.sessionStarted(1, 'device');
  state.onChange(() => {
    throw new Error('broken view');
  });
  const seen = recording(state);
  state.applyStatus(status());
  assert.equal(seen.length, 1);
  assert.equal((errors[0] as Error | undefined)?.message, 'broken view');
});

test('stats history stays bounded, evenly spaced, and ends at the newest sample', () => {
  const history = new StatsHistory(8);
  for (let i = 1; i <= 100; i++) history.add(status({ elapsedMs: i * 100, cov: i }));
  const samples = history.all();
  assert.ok(samples.length <= 8, `${samples.length} samples`);
  assert.ok(samples.length >= 4, `${samples.length} samples`);
  assert.equal(history.latest()?.cov, 100);
  const steps = samples.slice(1, -1).map((s, i) => s.ms - (samples[i]?.ms ?? 0));
  assert.equal(new Set(steps).size, 1, `uneven steps ${steps.join()}`);
  history.clear();
  assert.equal(history.all().length, 0);
});

test('a line of a finding stack is shown reached even when its coverage point never ran', () => {
  const state = new WorkbenchState();
  const file = `${ROOT}/device.c`;
  state.applyCoverage(
    delta(file, [
      [76, 'uncovered'],
      [77, 'uncovered'],
      [120, 'covered'],
    ]),
  );
  const seen = recording(state);
  state.setFindings([finding()]);
  assert.equal(state.coverage.get(file)?.lines.get(76), 'partial', 'the crashing line ran');
  assert.equal(state.coverage.get(file)?.lines.get(77), 'uncovered', 'the next line did not');
  assert.equal(state.coverage.get(file)?.lines.get(120), 'covered', 'covered stays covered');
  assert.ok(seen.some((c) => c.kind === 'coverage'));
  // A later delta (a new session's whole map) cannot take it back.
  state.applyCoverage(delta(file, [[76, 'uncovered']]));
  assert.equal(state.coverage.get(file)?.lines.get(76), 'partial');
});
