// Places a run writes that cannot be written: refused at start with one line and exit 1; a
// finding whose write fails later is still reported, with its input in base64, and exits 77.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFixtureTarget } from '../../helpers/build';
import { fuzzwbBin } from '../../helpers/fuzzCli';

const target = buildFixtureTarget(['limits.c']);
/** Root ignores mode bits: read-only folders are tried as `nobody` then. */
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** A temporary folder anyone may use (the read-only cases run as another user). */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-unwritable-'));
  chmodSync(dir, 0o777);
  return dir;
}

function corpusWith(seed: string): string {
  const dir = join(scratch(), 'corpus');
  mkdirSync(dir, { mode: 0o777 });
  chmodSync(dir, 0o777);
  writeFileSync(join(dir, 'seed'), seed, { mode: 0o666 });
  return dir;
}

function fuzz(
  args: string[],
  opts: { env?: Record<string, string>; asOther?: boolean } = {},
): { status: number | null; stderr: string } {
  const r = spawnSync(fuzzwbBin, ['fuzz', target, ...args, '-seed=1', '-use_cmp=0'], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...opts.env },
    ...(opts.asOther === true && asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  return { status: r.status, stderr: r.stderr };
}

function assertOneLine(r: { status: number | null; stderr: string }, what: RegExp): void {
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] ?? '', what);
}

test('an output path under a file is refused at start: one line, exit 1', () => {
  const base = scratch();
  const file = join(base, 'plain-file');
  writeFileSync(file, 'x');
  const corpus = corpusWith('AAAA');
  const art = `-artifact_prefix=${join(base, 'art')}/`;
  assertOneLine(
    fuzz([corpus, '-runs=10', `-artifact_prefix=${file}/sub/`]),
    /^fuzzwb: cannot write the artifact folder \S+plain-file\/sub\/: a part of the path is a file/,
  );
  assertOneLine(
    fuzz([corpus, '-runs=10', art, `-sarif=${file}/log.sarif`]),
    /^fuzzwb: cannot write the SARIF log \S+plain-file\/log\.sarif: a part of the path is a file/,
  );
  assertOneLine(
    fuzz([corpus, '-runs=10', art, `-sarif=${base}`]),
    /^fuzzwb: cannot write the SARIF log \S+: it is a directory/,
  );
  assertOneLine(
    fuzz([corpus, '-runs=10', art, `-coverage_deltas=${file}/d.jsonl`]),
    /^fuzzwb: cannot write the coverage deltas \S+plain-file\/d\.jsonl: /,
  );
});

test('a read-only artifact folder or corpus is refused at start: one line, exit 1', () => {
  const base = scratch();
  const ro = join(base, 'read-only');
  mkdirSync(ro, { mode: 0o555 });
  chmodSync(ro, 0o555);
  const corpus = corpusWith('AAAA');
  for (const workers of ['-workers=1', '-workers=2']) {
    assertOneLine(
      fuzz([corpus, '-runs=10', workers, `-artifact_prefix=${ro}/`], { asOther: true }),
      /^fuzzwb: cannot write the artifact folder \S+read-only\/: permission denied$/,
    );
    assertOneLine(
      fuzz([ro, '-runs=10', workers, `-artifact_prefix=${base}/art/`], { asOther: true }),
      /^fuzzwb: cannot write the corpus folder \S+read-only: permission denied$/,
    );
  }
});

test('a finding that cannot be written is still reported, its input in base64, exit 77', () => {
  for (const workers of ['-workers=1', '-workers=2']) {
    const art = join(scratch(), 'art');
    const r = fuzz([corpusWith('BRKD'), '-runs=200', workers, `-artifact_prefix=${art}/`], {
      env: { FWB_TEST_BREAK_DIR: art },
    });
    assert.equal(r.status, 77, `${workers}: ${r.stderr}`);
    assert.match(r.stderr, /ERROR: AddressSanitizer: heap-buffer-overflow/, workers);
    assert.match(r.stderr, /==fuzzwb== new sanitizer: heap-buffer-overflow/, workers);
    const b64 = Buffer.from('BRKD').toString('base64');
    assert.match(
      r.stderr,
      new RegExp(`cannot write \\S+crash-[0-9a-f]{40}: .*base64\\): ${b64}\\n`),
      workers,
    );
    assert.match(r.stderr, /input NOT written to/, workers);
  }
});
