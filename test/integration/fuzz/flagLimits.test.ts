// Out-of-range flags, libFuzzer's 0 meanings, a corpus that is a file, non-UTF-8 seed names and
// -malloc_limit_mb, on a real target through the real CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFixtureTarget } from '../../helpers/build';
import { fuzzwbBin } from '../../helpers/fuzzCli';

const target = buildFixtureTarget(['limits.c']);

/** A fresh corpus holding one seed per [name, content]; names may be raw bytes. */
function corpus(...seeds: [string | Buffer, string][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-limits-'));
  for (const [name, data] of seeds) {
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(name)]), data);
  }
  return dir;
}

function fuzz(args: string[]): { status: number | null; stderr: string } {
  const art = `${mkdtempSync(join(tmpdir(), 'fwb-limits-art-'))}/`;
  const r = spawnSync(
    fuzzwbBin,
    ['fuzz', target, ...args, '-workers=1', '-seed=1', `-artifact_prefix=${art}`],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return { status: r.status, stderr: r.stderr };
}

test('out-of-range and malformed flags are one line and exit 2, never a stack trace', () => {
  for (const flag of [
    '-timeout=-1',
    '-rss_limit_mb=-1',
    '-max_len=99999999999999',
    '-runs=-5',
    '-workers=-1',
    '-timeout_ms=1.5',
    '-malloc_limit_mb=-3',
    '-mode=fast',
  ]) {
    const r = fuzz([flag, '-runs=10']);
    assert.equal(r.status, 2, `${flag}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${flag}: ${r.stderr}`);
    assert.match(lines[0] ?? '', new RegExp(`^fuzzwb: ${flag.split('=')[0]} takes `));
  }
});

test('a corpus path that is a file is one line and exit 2', () => {
  const dir = corpus(['seed', 'AAAA']);
  const r = fuzz([join(dir, 'seed'), '-runs=10']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr.trim(), /^fuzzwb: corpus \S+seed is a file, not a directory/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('-timeout=0 is no limit: a 1.5 s input is a timeout at -timeout=1, not at 0', () => {
  const dir = corpus(['slow', 'SLEP']);
  const limited = fuzz([dir, '-runs=20', '-timeout=1']);
  assert.equal(limited.status, 70, limited.stderr);
  const unlimited = fuzz([dir, '-runs=20', '-timeout=0']);
  assert.equal(unlimited.status, 0, unlimited.stderr);
  assert.doesNotMatch(unlimited.stderr, /timeout/i);
});

test('-runs=-1 and -max_len=0 take libFuzzer meanings: no limit, and the largest seed', () => {
  const big = `LONG${'x'.repeat(6000)}`;
  const r = fuzz([corpus(['big', big]), '-runs=-1', '-max_len=0', '-max_total_time=30']);
  assert.equal(r.status, 77, r.stderr);
  assert.doesNotMatch(r.stderr, /longer than -max_len/);
  // At the default 4096 the seed is cut short of the 5000 bytes the overflow needs (no
  // compares: they would turn LONG into the fixture's other crashing prefix in a few runs).
  const cut = fuzz([corpus(['big', big]), '-runs=5', '-use_cmp=0']);
  assert.equal(cut.status, 0, cut.stderr);
  assert.match(cut.stderr, /longer than -max_len=4096/);
});

test('a seed whose name is not UTF-8 is read under its own name and kept as it is', () => {
  const name = Buffer.from([0x73, 0x65, 0x65, 0x64, 0xff, 0xfe, 0x80]);
  const dir = corpus([name, 'CRSH']);
  const r = fuzz([dir, '-runs=10']);
  assert.equal(r.status, 77, r.stderr);
  assert.doesNotMatch(r.stderr, /skipped/);
  const names = readdirSync(dir, { encoding: 'buffer' });
  assert.ok(
    names.some((n) => n.equals(name)),
    'the seed keeps its byte name',
  );
});

test("-malloc_limit_mb: one malloc past it is an out-of-memory finding (libFuzzer's flag)", () => {
  const dir = corpus(['big', 'BIGM']);
  const limited = fuzz([dir, '-runs=20', '-malloc_limit_mb=4']);
  assert.equal(limited.status, 71, limited.stderr);
  assert.match(limited.stderr, /new oom: allocation-size-too-big/);
  const unlimited = fuzz([dir, '-runs=20', '-use_cmp=0']);
  assert.equal(unlimited.status, 0, unlimited.stderr);
});
