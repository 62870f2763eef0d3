// Memory leaks found as libFuzzer finds them: leak-<sha1> with LeakSanitizer's stack, exit 77; off with -detect_leaks=0.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FindingRecord } from '../../../src/engine/fuzz/artifacts';
import { buildDir } from '../../helpers/build';
import { findings, fuzzUntil, fuzzwbBin } from '../../helpers/fuzzCli';
import { fixture, repoRoot } from '../../helpers/paths';

const built = new Map<string, string>();
/** test/fixtures/fuzz/<name>.c built with bin/fuzzwb-cc (ASan, the wrapper's default). */
function target(name: string): string {
  const known = built.get(name);
  if (known !== undefined) return known;
  const out = join(buildDir(), name);
  const cc = spawnSync(
    join(repoRoot, 'bin', 'fuzzwb-cc'),
    ['-O1', fixture('fuzz', `${name}.c`), '-o', out],
    { encoding: 'utf8' },
  );
  assert.equal(cc.status, 0, cc.stderr);
  built.set(name, out);
  return out;
}

const artifacts = (): string => mkdtempSync(join(tmpdir(), 'fwb-leaks-'));
const ALL_KINDS = ['crash', 'leak', 'timeout', 'oom'];

function leakChecks(stderr: string): number {
  return Number(/stat::leak_checks:\s+(\d+)/.exec(stderr)?.[1] ?? NaN);
}

/** The one leak of leak_fuzz.c, as its record must say it: LSan's stack names the malloc. */
function assertTheLeak(records: FindingRecord[], tail: string): FindingRecord {
  assert.equal(records.length, 1, tail);
  const r = records[0] as FindingRecord;
  assert.match(r.artifact, /\/leak-[0-9a-f]{40}$/);
  assert.equal(r.sanitizer, 'LeakSanitizer');
  assert.equal(r.type, 'memory-leak');
  assert.deepEqual(r.crashState, ['leaky_copy']);
  assert.equal(r.verification.status, 'reproducible');
  const stack = r.stacks[0];
  assert.match(
    stack?.title ?? '',
    /^Direct leak of \d+ byte\(s\) in \d+ object\(s\) allocated from/,
  );
  const site = stack?.frames.find((f) => f.function === 'leaky_copy');
  assert.ok(site?.file?.endsWith('leak_fuzz.c') === true, JSON.stringify(stack));
  // The malloc line of leaky_copy, marked BUG(leak) in the fixture.
  const bugLine = readFileSync(fixture('fuzz', 'leak_fuzz.c'), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('BUG(leak)'));
  assert.equal(site?.line, bugLine + 1);
  const input = readFileSync(r.artifact);
  assert.ok(input.length > 2 && input[0] === 'L'.charCodeAt(0), input.toString('latin1'));
  return r;
}

for (const mode of ['hybrid', 'fork', 'persistent']) {
  test(`-mode=${mode}: a leak is found as leak-<sha1> with LSan's stack, exit 77`, async () => {
    const out = artifacts();
    const run = await fuzzUntil(
      [
        'fuzz',
        target('leak_fuzz'),
        '-seed=1',
        `-mode=${mode}`,
        '-max_total_time=60',
        `-artifact_prefix=${out}/`,
      ],
      () => false,
      90_000,
    );
    const tail = run.stderr.slice(-3000);
    assert.equal(run.code, 77, tail);
    assert.match(run.stderr, /ERROR: LeakSanitizer: detected memory leaks/, tail);
    assert.match(run.stderr, /==fuzzwb== new sanitizer: memory-leak/, tail);
    assert.ok(leakChecks(run.stderr) >= 1, tail);
    assertTheLeak(findings(out, ALL_KINDS), tail);
    assert.deepEqual(findings(out, ['crash', 'timeout', 'oom']), []);
  });
}

test('-detect_leaks=0: the same leak is never looked for', async () => {
  const out = artifacts();
  const run = await fuzzUntil(
    [
      'fuzz',
      target('leak_fuzz'),
      '-seed=1',
      '-runs=200000',
      '-detect_leaks=0',
      `-artifact_prefix=${out}/`,
    ],
    () => false,
    60_000,
  );
  const tail = run.stderr.slice(-3000);
  assert.equal(run.code, 0, tail);
  assert.doesNotMatch(run.stderr, /LeakSanitizer/);
  assert.doesNotMatch(run.stderr, /stat::leak_checks/);
  assert.deepEqual(readdirSync(out), []);
});

test('-keep_going=1: every input reaching the leak is one finding, counted in its hits', async () => {
  const out = artifacts();
  const run = await fuzzUntil(
    [
      'fuzz',
      target('leak_fuzz'),
      '-seed=2',
      '-max_total_time=8',
      '-keep_going=1',
      `-artifact_prefix=${out}/`,
    ],
    () => false,
    60_000,
  );
  const tail = run.stderr.slice(-3000);
  assert.equal(run.code, 77, tail);
  const r = assertTheLeak(findings(out, ALL_KINDS), tail);
  assert.ok(r.hitCount > 1, `hit count ${r.hitCount}`);
});

for (const mode of ['fork', 'hybrid']) {
  test(`-mode=${mode}: a cache filled on first calls is no leak, and costs no check`, async () => {
    const out = artifacts();
    const run = await fuzzUntil(
      [
        'fuzz',
        target('no_leak_fuzz'),
        '-seed=1',
        `-mode=${mode}`,
        '-runs=3000',
        `-artifact_prefix=${out}/`,
      ],
      () => false,
      60_000,
    );
    const tail = run.stderr.slice(-3000);
    assert.equal(run.code, 0, tail);
    assert.deepEqual(findings(out, ALL_KINDS), []);
    // Each first call allocates more than it frees; run once more, as libFuzzer does, it does not.
    assert.equal(leakChecks(run.stderr), 0, tail);
    assert.doesNotMatch(run.stderr, /leak detection is off/);
  });
}

test('a leak artifact reproduces: the binary run on it, fuzzwb run, minimize and import', async () => {
  const out = artifacts();
  const run = await fuzzUntil(
    ['fuzz', target('leak_fuzz'), '-seed=1', '-max_total_time=60', `-artifact_prefix=${out}/`],
    () => false,
    90_000,
  );
  assert.equal(run.code, 77, run.stderr.slice(-3000));
  const [record] = findings(out, ['leak']);
  assert.ok(record !== undefined);
  assert.deepEqual(record.reproduce, [target('leak_fuzz'), record.artifact]);
  // The plain binary, as the record says to reproduce it: LSan at exit, with ASan's defaults.
  const env = { ...process.env };
  delete env.ASAN_OPTIONS;
  delete env.LSAN_OPTIONS;
  const direct = spawnSync(record.reproduce[0] ?? '', record.reproduce.slice(1), {
    encoding: 'utf8',
    env,
  });
  assert.notEqual(direct.status, 0, direct.stderr);
  assert.match(direct.stderr, /ERROR: LeakSanitizer: detected memory leaks/);
  assert.match(direct.stderr, /in leaky_copy .*leak_fuzz\.c:\d+/);
  // fuzzwb run: the input allocates more than it frees, so it runs again under the check.
  const again = spawnSync(fuzzwbBin, ['run', target('leak_fuzz'), record.artifact], {
    encoding: 'utf8',
  });
  assert.equal(again.status, 77, again.stderr);
  const line = JSON.parse(again.stdout.trim()) as { kind: string; type: string; at: string };
  assert.equal(line.kind, 'sanitizer');
  assert.equal(line.type, 'memory-leak');
  assert.match(line.at, /leak_fuzz\.c:\d+:\d+ in leaky_copy/);
  const off = spawnSync(
    fuzzwbBin,
    ['run', target('leak_fuzz'), record.artifact, '-detect_leaks=0'],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(off.status, 0, off.stderr);
  // fuzzwb minimize keeps the leak: 'L' and two more bytes.
  const small = join(artifacts(), 'min');
  const min = spawnSync(
    fuzzwbBin,
    ['minimize', target('leak_fuzz'), record.artifact, `-exact_artifact_path=${small}`],
    { encoding: 'utf8' },
  );
  assert.equal(min.status, 0, min.stderr);
  assert.match(min.stderr, /crash state: memory-leak \/ leaky_copy/);
  const minimized = readFileSync(small);
  assert.equal(minimized.length, 3);
  assert.equal(minimized[0], 'L'.charCodeAt(0));
  // fuzzwb import of a libFuzzer leak- file into another store: a leak finding there too.
  const store = artifacts();
  const imported = spawnSync(
    fuzzwbBin,
    ['import', target('leak_fuzz'), record.artifact, `-artifact_prefix=${store}/`, '-json=1'],
    { encoding: 'utf8' },
  );
  assert.equal(imported.status, 0, imported.stderr);
  const got = JSON.parse(imported.stdout.trim()) as { status: string; type: string };
  assert.deepEqual([got.status, got.type], ['new', 'memory-leak']);
  assert.equal(findings(store, ['leak']).length, 1);
});
