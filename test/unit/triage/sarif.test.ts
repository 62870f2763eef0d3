// The SARIF log of findings validates against the official SARIF 2.1.0 schema.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FindingRecord } from '../../../src/engine/fuzz/artifacts';
import { buildSarif } from '../../../src/engine/triage/sarif';
import { validateSarif } from './sarifSchema';

const finding: FindingRecord = {
  artifact: '/out/crash-0123',
  kind: 'sanitizer',
  signal: 0,
  exitCode: 76,
  sanitizer: 'AddressSanitizer',
  type: 'heap-buffer-overflow READ',
  access: { op: 'READ', size: 1 },
  address: '0x502000000020',
  crashState: ['dma_start', 'device_write'],
  frames: [
    { function: 'dma_start', file: '/src/dev ice.c', line: 83, column: 23, pc: '0x1' },
    { function: 'device_write', file: '/src/dev ice.c', line: 140, pc: '0x2' },
    { function: '_start', module: '/t/x', offset: '0x2c330' },
    { function: '__libc_start_main', file: 'csu/../csu/libc-start.c', line: 360 },
  ],
  stacks: [
    { title: 'allocated by thread T0 here', frames: [{ function: 'calloc', module: '/t/x' }] },
  ],
  firstSeen: '2026-01-02T03:04:05.000Z',
  lastSeen: '2026-01-02T03:04:05.000Z',
  hitCount: 5,
  size: 12,
  verification: { status: 'reproducible', runs: 3, reproduced: 3 },
  reproduce: ['/t/x', '/out/crash-0123'],
};

test('a log with several findings is valid SARIF 2.1.0 with stacks and code flows', () => {
  const flaky: FindingRecord = {
    ...finding,
    type: 'SIGSEGV',
    crashState: [],
    frames: [],
    stacks: [],
    verification: { status: 'flaky', runs: 3, reproduced: 1 },
  };
  const log = buildSarif([finding, flaky], '0.1.0');
  assert.deepEqual(validateSarif(log), []);
  const run = (
    log.runs as { results: Record<string, unknown>[]; tool: { driver: { rules: unknown[] } } }[]
  )[0];
  assert.ok(run);
  assert.equal(run.tool.driver.rules.length, 2);
  const text = JSON.stringify(run.results[0]);
  assert.match(text, /file:\/\/\/src\/dev%20ice\.c/);
  assert.match(text, /"startLine":83,"startColumn":23/);
  assert.ok(run.results[0]?.codeFlows !== undefined && run.results[0]?.stacks !== undefined);
  assert.equal(run.results[1]?.level, 'warning');
});

test('the validator rejects a log that breaks the schema', () => {
  const bad = JSON.parse(JSON.stringify(buildSarif([finding], '0.1.0'))) as { version: string };
  bad.version = '9.9';
  assert.notDeepEqual(validateSarif(bad), []);
});
