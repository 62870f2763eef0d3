// From no seeds and no dictionary, `fuzzwb fuzz` gets past a uint32 magic and an 8-byte memcmp
// (comparison feedback: operands as tokens and input-to-state) to a planted overflow; -dict files
// load, and a malformed one is one usage line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDir } from '../../helpers/build';
import { findings, fuzzUntil, fuzzwbBin } from '../../helpers/fuzzCli';
import { fixture, repoRoot } from '../../helpers/paths';

const source = fixture('fuzz', 'magic_cmp_fuzz.c');

function buildTarget(): string {
  const target = join(buildDir(), 'magic-cmp');
  const cc = spawnSync(join(repoRoot, 'bin', 'fuzzwb-cc'), ['-O1', source, '-o', target], {
    encoding: 'utf8',
  });
  assert.equal(cc.status, 0, cc.stderr);
  return target;
}

test('the magic and the tag are found from no seeds', { timeout: 120_000 }, async () => {
  const target = buildTarget();
  const out = mkdtempSync(join(tmpdir(), 'fwb-cmp-'));
  const run = await fuzzUntil(
    ['fuzz', target, '-max_total_time=60', `-artifact_prefix=${out}/`],
    () => false,
    90_000,
  );
  assert.equal(run.code, 77, run.stderr.slice(-3000));
  const [found, ...more] = findings(out);
  assert.equal(more.length, 0);
  assert.ok(found !== undefined, run.stderr.slice(-3000));
  assert.equal(found.type, 'heap-buffer-overflow WRITE');
  assert.deepEqual(found.crashState.slice(0, 1), ['planted_overflow']);
  const input = readFileSync(found.artifact);
  assert.equal(input.readUInt32LE(0), 0xdeadbeef);
  assert.equal(input.subarray(4, 12).toString('latin1'), 'FWB-TAG!');
});

test('a dictionary file is loaded and its tokens counted', () => {
  const target = buildTarget();
  const out = mkdtempSync(join(tmpdir(), 'fwb-dict-ok-'));
  const dict = join(out, 'tag.dict');
  writeFileSync(
    dict,
    '# the tag the harness compares\ntag="FWB-TAG!"\nmagic="\\xef\\xbe\\xad\\xde"\n',
  );
  const r = spawnSync(fuzzwbBin, ['fuzz', target, '-runs=10', `-dict=${dict}`], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /INFO: 2 dictionary token\(s\) from /);
});

test('a malformed dictionary line stops the run before the target starts', () => {
  const out = mkdtempSync(join(tmpdir(), 'fwb-dict-'));
  const dict = join(out, 'bad.dict');
  writeFileSync(dict, '"ok"\n# fine\nkw="\\q"\n');
  const r = spawnSync(fuzzwbBin, ['fuzz', join(out, 'no-such-target'), `-dict=${dict}`], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`${dict.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: `));
  assert.match(r.stderr, /unknown escape \\q/);
  assert.doesNotMatch(r.stderr, /fork server up/);
});
