// `fuzzwb merge` on a real target: only inputs that add coverage are copied, smallest first, both ways.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha1 } from '../../../src/engine/fuzz/artifacts';
import { buildDir } from '../../helpers/build';
import { fuzzwbBin } from '../../helpers/fuzzCli';
import { fixture, repoRoot } from '../../helpers/paths';

let built: string | undefined;
function target(): string {
  if (built !== undefined) return built;
  const out = join(buildDir(), 'merge-branches');
  const cc = spawnSync(
    join(repoRoot, 'bin', 'fuzzwb-cc'),
    ['-O1', fixture('fuzz', 'merge_branches_fuzz.c'), '-o', out],
    { encoding: 'utf8' },
  );
  assert.equal(cc.status, 0, cc.stderr);
  built = out;
  return out;
}

function corpus(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'fwb-merge-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

/** The contents of a corpus directory, sorted; every file must be named by its sha1. */
function contents(dir: string): string[] {
  return readdirSync(dir)
    .map((name) => {
      const data = readFileSync(join(dir, name));
      assert.equal(name, sha1(data), `${name} is not named by its content's sha1`);
      return data.toString('latin1');
    })
    .sort();
}

function merge(...args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(fuzzwbBin, ['merge', target(), ...args], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

test('merge into an empty directory keeps the smallest input of each coverage, skips crashes', () => {
  const input = corpus({
    one: 'aaaaaaaa',
    two: 'a',
    three: 'bb',
    four: 'bbbbbbbbbbbbbbbb',
    five: 'c',
    six: 'd!',
    seven: 'd!!!!!!',
    crash: 'X',
    other: 'zzz',
    other_longer: 'zzzzzzzzz',
  });
  const out = join(mkdtempSync(join(tmpdir(), 'fwb-merge-out-')), 'corpus');
  const r = merge(out, input);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(contents(out), ['a', 'bb', 'c', 'd!', 'zzz']);
  assert.match(r.stderr, /1 input\(s\) ended with sanitizer and are not merged/);
  assert.match(r.stderr, /MERGE: 10 input\(s\) offered; kept 5 \(\d+ bytes\)/);
});

test('merge adds only what the output lacks, and works back the other way', () => {
  const out = corpus({ a: 'a', b: 'b' });
  const more = corpus({ big_a: 'aaaa', c: 'cc', d: 'd', a_again: 'a' });
  const r = merge(out, more);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readdirSync(out).length, 4);
  assert.deepEqual(
    readdirSync(out)
      .filter((n) => n.length === 40)
      .map((n) => readFileSync(join(out, n), 'latin1'))
      .sort(),
    ['cc', 'd'],
    'the new inputs are written under their sha1',
  );
  assert.match(r.stderr, /\(1 already in /);
  // Moving the merged corpus to another machine's (the first corpus) brings back nothing new
  // there but what it lacked; the second time nothing at all.
  const back = corpus({ x: 'a' });
  assert.equal(merge(back, out).code, 0);
  assert.deepEqual(
    readdirSync(back)
      .filter((n) => n !== 'x')
      .map((n) => readFileSync(join(back, n), 'latin1'))
      .sort(),
    ['b', 'cc', 'd'],
  );
  const again = merge(back, out);
  assert.match(again.stderr, /kept 0 /);
});

test('merge reads an AFL++ output directory and says what is wrong with its arguments', () => {
  const afl = mkdtempSync(join(tmpdir(), 'fwb-merge-afl-'));
  mkdirSync(join(afl, 'default', 'queue'), { recursive: true });
  writeFileSync(join(afl, 'default', 'fuzzer_stats'), 'execs_done : 10\n');
  writeFileSync(join(afl, 'default', 'queue', 'id:000000,time:0,execs:0,orig:a'), 'b');
  const out = join(afl, 'merged');
  assert.equal(merge(out, afl).code, 0);
  assert.deepEqual(contents(out), ['b']);
  const usage = spawnSync(fuzzwbBin, ['merge', target()], { encoding: 'utf8' });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /usage: fuzzwb merge TARGET OUT_DIR IN_DIR/);
});
