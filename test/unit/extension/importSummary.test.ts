// Import Findings' closing message and its details for the output channel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importDetails, importSummary } from '../../../src/extension/commands/importSummary';
import type { ImportResult } from '../../../src/protocol/messages';

function result(over: Partial<ImportResult> = {}): ImportResult {
  return {
    inputsRun: 0,
    sarifResults: 0,
    newFindings: 0,
    knownFindings: 0,
    duplicates: 0,
    skipped: [],
    totalFindings: 0,
    errors: [],
    ...over,
  };
}

test('the message counts inputs, new and known findings, and points to the details', () => {
  const cases: [Partial<ImportResult>, string][] = [
    [
      { inputsRun: 4, newFindings: 2, duplicates: 2, totalFindings: 2 },
      'Imported 4 inputs into two_bugs: 2 new findings.',
    ],
    [
      { inputsRun: 4, knownFindings: 2, duplicates: 4, totalFindings: 2 },
      'Imported 4 inputs into two_bugs: 0 new findings, 2 known findings hit again.',
    ],
    [
      { inputsRun: 1, newFindings: 1, knownFindings: 1, sarifResults: 1 },
      'Imported 1 input and 1 SARIF result into two_bugs: 1 new finding, 1 known finding hit again.',
    ],
    [
      { sarifResults: 3, newFindings: 3 },
      'Imported 3 SARIF results into two_bugs: 3 new findings.',
    ],
    [
      {
        inputsRun: 2,
        skipped: [{ path: '/a', reason: 'ran without a crash here' }],
        errors: ['llvm-symbolizer not found'],
      },
      'Imported 2 inputs into two_bugs: 0 new findings; 1 skipped, 1 warning (see Output).',
    ],
  ];
  for (const [over, want] of cases) assert.equal(importSummary('two_bugs', result(over)), want);
});

test('details: one line per skipped input and per warning', () => {
  assert.deepEqual(
    importDetails(
      result({
        skipped: [{ path: '/x/id:000001', reason: 'ran without a crash here' }],
        errors: ['w'],
      }),
    ),
    ['skipped /x/id:000001: ran without a crash here', 'warning: w'],
  );
  assert.deepEqual(importDetails(result()), []);
});
