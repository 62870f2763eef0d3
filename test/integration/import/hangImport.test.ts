// fuzzwb import of libFuzzer and ClusterFuzzLite (zip) timeouts: re-run here, one finding, hits counted.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FindingRecord } from '../../../src/engine/fuzz/artifacts';
import { buildDir } from '../../helpers/build';
import { fuzzwbBin } from '../../helpers/fuzzCli';
import { fixture, repoRoot } from '../../helpers/paths';

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

test(
  'a timeout from libFuzzer and one from a ClusterFuzzLite zip make one timeout finding',
  { timeout: 120_000 },
  () => {
    // The binary's name is the target name ClusterFuzzLite puts in front of its artifacts.
    const target = join(buildDir(), 'hang_fuzz');
    const cc = spawnSync(
      join(repoRoot, 'bin', 'fuzzwb-cc'),
      ['-O1', '-g', fixture('triage', 'hang_fuzz.c'), '-o', target],
      { encoding: 'utf8' },
    );
    assert.equal(cc.status, 0, cc.stderr);
    const work = mkdtempSync(join(tmpdir(), 'fwb-hang-import-'));
    const libfuzzer = join(work, 'libfuzzer-artifacts');
    mkdirSync(libfuzzer);
    writeFileSync(join(libfuzzer, `timeout-${sha1('H1')}`), 'H1');
    // Found elsewhere, but it does not fail here: reported, nothing written.
    writeFileSync(join(libfuzzer, `crash-${sha1('Z')}`), 'Z');
    const cfl = join(work, 'cfl', 'artifacts');
    mkdirSync(cfl, { recursive: true });
    writeFileSync(join(cfl, `hang_fuzz-address-timeout-${sha1('H22')}`), 'H22');
    writeFileSync(join(cfl, `other_fuzz-address-crash-${sha1('x')}`), 'x');
    // Made by Info-ZIP's zip, as a downloaded artifact is.
    const zipPath = join(work, 'address-artifacts.zip');
    const zip = spawnSync('zip', ['-q', '-r', zipPath, 'artifacts'], {
      cwd: join(work, 'cfl'),
      encoding: 'utf8',
    });
    assert.equal(zip.status, 0, zip.stderr);

    const found = join(work, 'findings');
    const run = spawnSync(
      fuzzwbBin,
      ['import', target, libfuzzer, zipPath, `-artifact_prefix=${found}/`, '-timeout=1', '-json=1'],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stderr,
      /skipped .*other_fuzz-address-crash-.*target other_fuzz, not hang_fuzz/,
    );
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string; tool: string; kind: string });
    assert.deepEqual(lines.map((l) => [l.tool, l.status, l.kind]).sort(), [
      ['ClusterFuzzLite', 'duplicate', 'timeout'],
      ['libFuzzer', 'new', 'timeout'],
      ['libFuzzer', 'not-reproduced', 'ok'],
    ]);
    const names = readdirSync(found).sort();
    assert.deepEqual(names, [`timeout-${sha1('H1')}`, `timeout-${sha1('H1')}.json`]);
    const record = JSON.parse(
      readFileSync(join(found, `timeout-${sha1('H1')}.json`), 'utf8'),
    ) as FindingRecord;
    assert.equal(record.kind, 'timeout');
    assert.equal(record.hitCount, 2);
    assert.deepEqual(record.crashState, ['parse_forever']);
  },
);
