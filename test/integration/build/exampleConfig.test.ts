// examples/device/fuzzwb.json: valid, and `fuzzwb build` + `fuzzwb fuzz` on it find a planted bug.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadFuzzConfig } from '../../../src/engine/config/loadConfig';
import { fuzzwbBin } from '../../helpers/fuzzCli';
import { repoRoot } from '../../helpers/paths';

test('the example config loads without errors', () => {
  const { config, errors } = loadFuzzConfig(join(repoRoot, 'examples', 'device', 'fuzzwb.json'));
  assert.deepEqual(errors, []);
  assert.equal(config?.targets[0]?.harness, join(repoRoot, 'examples', 'device', 'device_fuzz.c'));
});

test(
  'the example builds from its config and its planted bug is found',
  { timeout: 300_000 },
  () => {
    const ws = join(mkdtempSync(join(tmpdir(), 'fwb-example-')), 'device');
    cpSync(join(repoRoot, 'examples', 'device'), ws, { recursive: true });
    const built = spawnSync(fuzzwbBin, ['build'], { cwd: ws, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const binary = join(ws, '.fuzzwb', 'build', 'device', 'device');
    const findings = join(ws, '.fuzzwb', 'findings', 'device');
    const corpus = join(ws, '.fuzzwb', 'corpus', 'device');
    mkdirSync(findings, { recursive: true });
    mkdirSync(corpus, { recursive: true });
    const fuzz = spawnSync(
      fuzzwbBin,
      ['fuzz', binary, corpus, '-max_total_time=240', '-seed=3', `-artifact_prefix=${findings}/`],
      { encoding: 'utf8' },
    );
    assert.equal(fuzz.status, 77, fuzz.stderr.slice(-2000));
    assert.match(fuzz.stderr, /==fuzzwb== at .*device\.c:\d+/);
  },
);
