// `fuzzwb fuzz` on harnesses that close descriptors: fds 0..1023 closed is fuzzed on; every fd
// closed ends the run with one clear line and exit code 1, never a timeout or a finding.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFixtureTarget } from '../../helpers/build';
import { fuzzwbBin } from '../../helpers/fuzzCli';

let target: string | undefined;
const hostile = (): string =>
  (target ??= buildFixtureTarget(['hostile.c'], { sanitizers: 'none', name: 'hostile-fds-cli' }));

/** Fuzzes from the seeds with only `modes` of the harness reachable; returns the run. */
function fuzz(seeds: Record<string, string>, modes: string, flags: string[]) {
  const work = mkdtempSync(join(tmpdir(), 'fwb-fds-'));
  const corpus = join(work, 'corpus');
  mkdirSync(corpus);
  for (const [name, data] of Object.entries(seeds)) writeFileSync(join(corpus, name), data);
  const findings = join(work, 'findings');
  const run = spawnSync(
    process.execPath,
    [fuzzwbBin, 'fuzz', hostile(), corpus, '-seed=1', `-artifact_prefix=${findings}/`, ...flags],
    { encoding: 'utf8', timeout: 90_000, env: { ...process.env, HOSTILE_MODES: modes } },
  );
  const artifacts = existsSync(findings) ? readdirSync(findings) : [];
  return { ...run, artifacts };
}

for (const mode of ['fork', 'hybrid']) {
  test(`${mode}: a harness closing fds 0..1023 is fuzzed on`, { timeout: 100_000 }, () => {
    const r = fuzz({ a: 'C' }, 'C', [`-mode=${mode}`, '-workers=1', '-runs=3000']);
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    assert.match(r.stderr, /\tDONE /);
    assert.deepEqual(r.artifacts, [], 'no finding, no timeout');
  });

  for (const workers of [1, 2]) {
    test(
      `${mode}, ${workers} worker(s): a harness closing every fd ends with one clear line, exit 1`,
      { timeout: 100_000 },
      () => {
        const r = fuzz({ a: 'o', b: 'X' }, 'X', [`-mode=${mode}`, `-workers=${workers}`]);
        assert.equal(r.status, 1, r.stderr.slice(-2000));
        const last = r.stderr.trimEnd().split('\n').at(-1);
        assert.match(last ?? '', /^fuzzwb: the target closed the fuzzer's channel \(fd \d+\)$/);
        assert.doesNotMatch(r.stderr, /timeout|WARNING/);
        assert.deepEqual(r.artifacts, [], 'no finding');
      },
    );
  }
}

test('run: a harness closing every fd is the same clear error, exit 1', { timeout: 60_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'fwb-fds-run-'));
  const input = join(work, 'X');
  writeFileSync(input, 'X');
  const r = spawnSync(process.execPath, [fuzzwbBin, 'run', hostile(), input], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^fuzzwb: the target closed the fuzzer's channel \(fd \d+\)\n$/);
});
