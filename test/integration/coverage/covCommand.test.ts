// `fuzzwb cov` on small fixtures: exports, a stripped binary, no symbolizer, gcc, live deltas.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseLcovLines } from '../../../src/engine/coverage/lcov';
import type { SancovJson } from '../../../src/engine/coverage/sancovJson';
import { buildDir } from '../../helpers/build';
import { fuzzwbBin } from '../../helpers/fuzzCli';
import { fixture, repoRoot } from '../../helpers/paths';

const SOURCE = fixture('coverage', 'branches_fuzz.c');
const work = mkdtempSync(join(tmpdir(), 'fwb-cov-'));
/** A private symbol cache, so every run of this file symbolizes cold once. */
const env = { ...process.env, FUZZWB_CACHE_DIR: join(work, 'cache') };

function build(name: string, extra: string[] = [], compiler = 'clang-19'): string {
  const out = join(buildDir(), name);
  execFileSync(join(repoRoot, 'bin', 'fuzzwb-cc'), ['-O1', ...extra, SOURCE, '-o', out], {
    env: { ...process.env, FUZZWB_SANITIZERS: 'none', FUZZWB_CC: compiler },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out;
}

function corpus(inputs: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'corpus-'));
  for (const [name, body] of Object.entries(inputs)) writeFileSync(join(dir, name), body);
  return dir;
}

function cov(
  args: string[],
  extraEnv: Record<string, string> = {},
): { code: number; out: string; err: string } {
  const r = spawnSync(fuzzwbBin, ['cov', ...args], {
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Lines of the fixture marked by a comment-free search for their text. */
function lineOf(text: string): number {
  const lines = readFileSync(SOURCE, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `fixture has "${text}"`);
  return i + 1;
}

test('lcov, sancov JSON and summary of a clang target follow the corpus', () => {
  const target = build('cov-clang');
  const dir = corpus({ a: 'A', c: 'C' });
  const lcovPath = join(work, 'out.lcov');
  const jsonPath = join(work, 'out.json');
  const r = cov([target, dir, `-lcov=${lcovPath}`, `-sancov_json=${jsonPath}`, '-summary=1']);
  assert.equal(r.code, 0, r.err);
  const lines = parseLcovLines(readFileSync(lcovPath, 'utf8')).get(SOURCE);
  assert.ok(lines !== undefined, 'the fixture file is in the tracefile under its real path');
  assert.equal(lines.get(lineOf('seen_a++')), true, 'the A branch is covered');
  const neverLine = lineOf('return x * 3 + 1');
  assert.notEqual(lines.get(neverLine), true, 'never_called is not covered');
  const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as SancovJson;
  assert.match(json['binary-hash'], /^[0-9A-F]{40}$/);
  assert.ok(json['covered-points'].length > 0);
  const funcs = json['point-symbol-info'][SOURCE];
  assert.ok(funcs?.LLVMFuzzerTestOneInput !== undefined, 'points are grouped by function');
  const all = Object.values(funcs ?? {}).flatMap((pcs) => Object.keys(pcs));
  for (const p of json['covered-points'])
    assert.ok(all.includes(p), `covered point ${p} is described`);
  assert.match(r.out, /branches_fuzz\.c\s+\d+\/\d+/);
  assert.match(r.out, /^TOTAL/m);
});

test('more of the corpus covers more lines', () => {
  const target = build('cov-more');
  const few = join(work, 'few.lcov');
  const many = join(work, 'many.lcov');
  assert.equal(cov([target, corpus({ c: 'C' }), `-lcov=${few}`]).code, 0);
  assert.equal(cov([target, corpus({ c: 'C', a: 'A', b: 'BB', e: '' }), `-lcov=${many}`]).code, 0);
  const hits = (p: string): number =>
    [...(parseLcovLines(readFileSync(p, 'utf8')).get(SOURCE)?.values() ?? [])].filter((h) => h)
      .length;
  assert.ok(hits(many) > hits(few), `${hits(many)} > ${hits(few)}`);
});

test('a stripped binary says so and still counts its edges', () => {
  const target = build('cov-stripped');
  const stripped = `${target}-s`;
  execFileSync('llvm-strip-19', ['-g', target, '-o', stripped]);
  // strip -g keeps the build-id, so the cache of the unstripped build would (rightly) answer.
  const r = cov([stripped, corpus({ a: 'A' }), `-sancov_json=${join(work, 'stripped.json')}`], {
    FUZZWB_CACHE_DIR: join(work, 'cache-stripped'),
  });
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /has no line information \(stripped, or built without -g\)/);
  const json = JSON.parse(readFileSync(join(work, 'stripped.json'), 'utf8')) as SancovJson;
  assert.ok(json['covered-points'].length > 0, 'covered PCs are still listed');
});

test('a missing symbolizer is one clear warning and the PCs still export', () => {
  const target = build('cov-nosym');
  const jsonPath = join(work, 'nosym.json');
  const r = cov([target, corpus({ a: 'A' }), `-sancov_json=${jsonPath}`, '-summary=1'], {
    FUZZWB_SYMBOLIZER: join(work, 'no-such-symbolizer'),
  });
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /FUZZWB_SYMBOLIZER=.* is not an executable file/);
  assert.match(r.err, /llvm-symbolizer not found .*coverage is listed by PC only/);
  const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as SancovJson;
  assert.ok(json['covered-points'].length > 0);
  assert.deepEqual(json['point-symbol-info'], {});
});

test('a gcc target names its PCs as they are first hit', () => {
  const target = build('cov-gcc', [], 'gcc');
  const lcovPath = join(work, 'gcc.lcov');
  const r = cov([target, corpus({ a: 'A' }), `-lcov=${lcovPath}`]);
  assert.equal(r.code, 0, r.err);
  const lines = parseLcovLines(readFileSync(lcovPath, 'utf8')).get(SOURCE);
  assert.ok(lines !== undefined && lines.size > 0, 'gcc PCs resolve to the fixture');
  assert.ok(
    [...lines.values()].every((h) => h),
    'only hit PCs are known, so every line is hit',
  );
});

test('fuzz -coverage_deltas writes small JSON-lines changes', () => {
  const target = build('cov-live');
  const dir = corpus({ c: 'C' });
  mkdirSync(join(work, 'art'), { recursive: true });
  const deltas = join(work, 'deltas.jsonl');
  const r = spawnSync(
    fuzzwbBin,
    [
      'fuzz',
      target,
      dir,
      '-runs=3000',
      '-seed=1',
      `-coverage_deltas=${deltas}`,
      `-artifact_prefix=${join(work, 'art')}/`,
    ],
    { env, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(deltas, 'utf8')
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as {
          ms: number;
          files: { file: string; lines: { line: number; state: string }[] }[];
        },
    );
  assert.ok(lines.length >= 1);
  const first = lines[0]?.files.find((f) => f.file === SOURCE);
  assert.ok(first !== undefined, 'the first delta names the fixture');
  const seen = new Map<number, string>();
  for (const l of lines)
    for (const f of l.files)
      for (const x of f.lines) {
        assert.notEqual(seen.get(x.line), x.state, 'a delta only carries changed states');
        seen.set(x.line, x.state);
      }
});
