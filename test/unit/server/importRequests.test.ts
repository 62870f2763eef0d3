// The import request's pure parts: which findings an import touched, and the counts it answers with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImportLine } from '../../../src/engine/import/importer';
import {
  importFindings,
  importResult,
  touchedFindings,
  type ImportDeps,
} from '../../../src/engine/server/importRequests';
import { finding } from '../extension/fixtures';

const overflow = finding({
  type: 'heap-buffer-overflow READ',
  crashState: ['overflow'],
  hitCount: 3,
});
const uaf = finding({
  type: 'heap-use-after-free READ',
  crashState: ['use_after_free'],
  hitCount: 2,
});

let seq = 0;

function line(status: ImportLine['status'], of?: typeof overflow, kind = 'sanitizer'): ImportLine {
  return {
    from: `/afl/crashes/id:00000${seq++},sig:06`,
    tool: 'AFL++',
    status,
    kind,
    expected: 'crash',
    ...(of !== undefined ? { type: of.type, crashState: of.crashState } : {}),
  };
}

test('each touched finding once, with its final record; new when any of its inputs was new', () => {
  const lines = [
    line('duplicate', overflow),
    line('new', uaf),
    line('duplicate', overflow),
    line('not-reproduced'),
    line('duplicate', uaf),
  ];
  const touched = touchedFindings(lines, [overflow, uaf]);
  assert.deepEqual(
    touched.map((t) => [t.record.crashState[0], t.record.hitCount, t.isNew]),
    [
      ['overflow', 3, false],
      ['use_after_free', 2, true],
    ],
  );
  // A finding the store no longer holds (replaced meanwhile) is not announced.
  assert.equal(touchedFindings(lines, [uaf]).length, 1);
});

test('the counts: inputs and SARIF results apart, skipped inputs with their reasons', () => {
  const lines = [
    line('new', overflow),
    line('duplicate', overflow),
    line('not-reproduced'),
    line('duplicate', uaf, 'sarif'),
  ];
  const r = importResult(
    {
      skipped: ['/cfl/out.zip:other-address-crash-abcdef: an input of target other, not two_bugs'],
    },
    lines,
    [overflow, uaf],
    ['llvm-symbolizer not found: frames stay unsymbolized'],
  );
  assert.equal(r.inputsRun, 3);
  assert.equal(r.sarifResults, 1);
  assert.deepEqual([r.newFindings, r.knownFindings, r.duplicates], [1, 1, 2]);
  assert.equal(r.totalFindings, 2);
  assert.deepEqual(r.skipped[0], {
    path: '/cfl/out.zip:other-address-crash-abcdef',
    reason: 'an input of target other, not two_bugs',
  });
  assert.match(r.skipped[1]?.reason ?? '', /^ran without a crash here \(AFL\+\+ saw a crash\)$/);
  assert.equal(r.skipped.length, 2);
  assert.deepEqual(r.errors, ['llvm-symbolizer not found: frames stay unsymbolized']);
});

test('refused before anything is read while a session or another import writes the store', async () => {
  const sent: unknown[] = [];
  const deps = (over: Partial<ImportDeps>): ImportDeps => ({
    notifier: { sendNotification: (_t, p) => Promise.resolve(void sent.push(p)) },
    defaults: { timeoutMs: 1000, rssLimitMb: 2048, startupTimeoutMs: 10_000, verifyRuns: 0 },
    runningPrefix: () => undefined,
    log: () => undefined,
    busy: new Set(),
    ...over,
  });
  const params = {
    target: {
      name: 'two_bugs',
      binary: '/nowhere/two_bugs',
      corpusDir: '/nowhere/corpus',
      artifactPrefix: '/ws/.fuzzwb/findings/two_bugs/',
      sourceRoots: ['/ws'],
    },
    paths: ['/nowhere/afl-out'],
  };
  await assert.rejects(
    importFindings(params, deps({ runningPrefix: () => '/ws/.fuzzwb/findings/two_bugs' })),
    /two_bugs is being fuzzed: stop fuzzing it to import/,
  );
  await assert.rejects(
    importFindings(params, deps({ busy: new Set(['/ws/.fuzzwb/findings/two_bugs']) })),
    /an import into two_bugs is already running/,
  );
  await assert.rejects(importFindings({ ...params, paths: [] }, deps({})), /no paths given/);
  // Another target's session does not stand in the way: this one fails only at the missing path.
  await assert.rejects(
    importFindings(params, deps({ runningPrefix: () => '/ws/.fuzzwb/findings/device/' })),
    /cannot read \/nowhere\/afl-out/,
  );
  assert.equal(sent.length, 0);
});
