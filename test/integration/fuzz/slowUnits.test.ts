// `fuzzwb fuzz` and slow inputs: past -report_slow_units an input is written as slow-unit-<sha1>
// and fuzzing goes on; under the default -timeout (libFuzzer's 1200 s) it is no timeout finding.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha1 } from '../../../src/engine/fuzz/artifacts';
import { buildFixtureTarget } from '../../helpers/build';
import { fuzzwbBin } from '../../helpers/fuzzCli';

let target: string | undefined;
const slowTarget = (): string =>
  (target ??= buildFixtureTarget(['slow.c'], { sanitizers: 'address', name: 'slow-cli' }));

function fuzz(flags: string[]) {
  const work = mkdtempSync(join(tmpdir(), 'fwb-slow-'));
  const corpus = join(work, 'corpus');
  mkdirSync(corpus);
  writeFileSync(join(corpus, 'a'), 'aaaa');
  writeFileSync(join(corpus, 's'), 'SLOW');
  const findings = join(work, 'findings');
  const run = spawnSync(
    process.execPath,
    [fuzzwbBin, 'fuzz', slowTarget(), corpus, '-seed=1', `-artifact_prefix=${findings}/`, ...flags],
    { encoding: 'utf8', timeout: 90_000 },
  );
  const artifacts = existsSync(findings) ? readdirSync(findings) : [];
  return { ...run, findings, artifacts };
}

const slowName = `slow-unit-${sha1(Buffer.from('SLOW'))}`;

for (const [mode, workers] of [
  ['hybrid', 1],
  ['hybrid', 2],
  ['fork', 1],
] as const) {
  test(
    `${mode}, ${workers} worker(s): a slow input is written as a slow unit and fuzzing goes on`,
    {
      timeout: 100_000,
    },
    () => {
      const r = fuzz([`-mode=${mode}`, `-workers=${workers}`, '-runs=400', '-report_slow_units=1']);
      assert.equal(r.status, 0, r.stderr.slice(-2000));
      assert.match(r.stderr, /\tDONE /);
      const line = new RegExp(`^==fuzzwb== slowest unit: 1\\.\\d s, input written to (\\S+)$`, 'm');
      const m = line.exec(r.stderr);
      assert.ok(m !== null, r.stderr.slice(-2000));
      assert.equal(m[1], join(r.findings, slowName));
      assert.equal(readFileSync(join(r.findings, slowName), 'utf8'), 'SLOW');
      // Only that one: the input is no timeout, no crash, and it is not written twice.
      assert.deepEqual(r.artifacts, [slowName]);
      assert.equal(r.stderr.match(/slowest unit/g)?.length, 1);
    },
  );
}

test('-report_slow_units=0 writes no slow unit', { timeout: 100_000 }, () => {
  const r = fuzz(['-workers=1', '-runs=200', '-report_slow_units=0']);
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  assert.doesNotMatch(r.stderr, /slowest unit/);
  assert.deepEqual(r.artifacts, []);
});

test(
  'an input past -timeout is still a timeout finding, not a slow unit',
  { timeout: 100_000 },
  () => {
    const r = fuzz(['-workers=1', '-runs=200', '-timeout_ms=500', '-report_slow_units=1']);
    assert.equal(r.status, 70, r.stderr.slice(-2000));
    assert.ok(
      r.artifacts.some((a) => a.startsWith('timeout-')),
      r.artifacts.join(' '),
    );
    assert.ok(!r.artifacts.some((a) => a.startsWith('slow-unit-')), r.artifacts.join(' '));
  },
);
