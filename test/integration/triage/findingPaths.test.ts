// The real CLI with a real crashing target: planted findings cannot delete files elsewhere, and a
// findings folder reloads as the same findings from another working directory.
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
import { basename, join } from 'node:path';
import { test } from 'node:test';
import type { FindingRecord } from '../../../src/engine/fuzz/artifacts';
import { buildFixtureTarget } from '../../helpers/build';
import { findings, fuzzUntil, fuzzwbBin } from '../../helpers/fuzzCli';

/**
 * Two seeds one_bug.c crashes on, run in name order: the long one first, so with -keep_going the
 * short one is a smaller input of the same crash state straight away.
 */
function crashingCorpus(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'a-long'), 'a seed of some length, so smaller inputs exist');
  writeFileSync(join(dir, 'b-short'), 'short');
  return dir;
}

/** One `fuzzwb fuzz` run from `cwd` that stops at its first crash (no -keep_going). */
function fuzzOnce(cwd: string, args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(fuzzwbBin, ['fuzz', ...args, '-max_total_time=60'], {
    cwd,
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { code: r.status, stderr: r.stderr };
}

test(
  'a planted finding whose artifact is a file elsewhere is skipped with a warning, not deleted',
  { timeout: 150_000 },
  async () => {
    const target = buildFixtureTarget(['one_bug.c']);
    const root = mkdtempSync(join(tmpdir(), 'fwb-plant-'));
    // A real finding of this target, to copy its crash state into the planted one.
    const first = fuzzOnce(root, [
      target,
      crashingCorpus(join(root, 'c1')),
      `-artifact_prefix=${root}/f1/`,
    ]);
    assert.equal(first.code, 77, first.stderr.slice(-3000));
    const [real] = findings(join(root, 'f1'));
    assert.ok(real !== undefined, first.stderr.slice(-3000));

    const victim = join(root, 'victim');
    writeFileSync(victim, 'precious');
    const store = join(root, 'f2');
    mkdirSync(store);
    const name = `crash-${'0'.repeat(40)}`;
    writeFileSync(join(store, name), 'x');
    // The same crash state with a huge input: any new hit is smaller, and replaces the "input".
    const planted: FindingRecord = {
      ...real,
      artifact: victim,
      size: 1_000_000,
      reproduce: [target, victim],
    };
    writeFileSync(join(store, `${name}.json`), JSON.stringify(planted));

    const run = await fuzzUntil(
      [
        'fuzz',
        target,
        crashingCorpus(join(root, 'c2')),
        '-keep_going=1',
        '-max_total_time=60',
        `-artifact_prefix=${store}/`,
      ],
      (stderr) => /==fuzzwb== smaller input for /.test(stderr),
      90_000,
    );
    // A smaller input of a known state came: the path that removes the input it replaces.
    assert.match(run.stderr, /==fuzzwb== smaller input for /, run.stderr.slice(-3000));
    assert.equal(readFileSync(victim, 'utf8'), 'precious', 'the victim survives');
    assert.ok(!existsSync(`${victim}.json`), 'nothing is written beside the victim');
    assert.match(
      run.stderr,
      new RegExp(`WARNING: skipping ${store}/${name}\\.json: its artifact "${victim}" is not`),
    );
    // The crash is this store's own finding now, written inside it.
    const mine = findings(store).filter((r) => r.size !== planted.size);
    assert.equal(mine.length, 1, run.stderr.slice(-3000));
    assert.deepEqual(mine[0]?.crashState, real.crashState);
  },
);

test(
  'findings written with a relative -artifact_prefix reload from another working directory',
  { timeout: 150_000 },
  () => {
    const target = buildFixtureTarget(['one_bug.c']);
    const root = mkdtempSync(join(tmpdir(), 'fwb-cwd-'));
    const a = join(root, 'a');
    const b = join(root, 'b');
    crashingCorpus(join(a, 'corpus'));
    mkdirSync(b);
    const first = fuzzOnce(a, [target, 'corpus', '-artifact_prefix=findings/']);
    assert.equal(first.code, 77, first.stderr.slice(-3000));
    assert.match(first.stderr, /==fuzzwb== new /);
    const folder = join(a, 'findings');
    const jsons = readdirSync(folder).filter((n) => n.endsWith('.json'));
    assert.equal(jsons.length, 1, first.stderr.slice(-3000));
    const json = join(folder, jsons[0] ?? '');
    const before = JSON.parse(readFileSync(json, 'utf8')) as FindingRecord;

    // The same folder, reached another way: the crash is the known finding, hit again.
    const again = fuzzOnce(b, [target, '../a/corpus', '-artifact_prefix=../a/findings/']);
    assert.equal(again.code, 77, again.stderr.slice(-3000));
    assert.doesNotMatch(again.stderr, /WARNING: skipping/);
    assert.doesNotMatch(again.stderr, /==fuzzwb== new /, 'not re-reported as new');
    assert.match(again.stderr, /INFO: 1 known finding\(s\) loaded/, again.stderr.slice(-3000));
    // Still one finding of that crash state (a smaller input may have taken its place).
    const now = readdirSync(folder).filter((n) => n.endsWith('.json'));
    assert.equal(now.length, 1, now.join(', '));
    const nowJson = join(folder, now[0] ?? '');
    const after = JSON.parse(readFileSync(nowJson, 'utf8')) as FindingRecord;
    assert.deepEqual(after.crashState, before.crashState);
    assert.ok(after.hitCount >= 2, JSON.stringify(after));
    // Stored relative to its folder; the reproduce command names the input where it is now.
    assert.equal(after.artifact, basename(nowJson, '.json'));
    assert.deepEqual(after.reproduce, [target, nowJson.slice(0, -'.json'.length)]);
  },
);
