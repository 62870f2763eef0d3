// An input that never returns under libFuzzer's long default -timeout: -max_total_time and a stop
// request still end the run on time, with a warning, no finding, and the corpus kept.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFixtureTarget } from '../../helpers/build';
import { fuzzwbBin } from '../../helpers/fuzzCli';

const target = buildFixtureTarget(['limits.c']);

function setUp(): { corpus: string; art: string } {
  const corpus = mkdtempSync(join(tmpdir(), 'fwb-overrun-'));
  writeFileSync(join(corpus, 'ok'), 'AAAAAAAA');
  writeFileSync(join(corpus, 'hang'), 'HANG');
  return { corpus, art: `${mkdtempSync(join(tmpdir(), 'fwb-overrun-art-'))}/` };
}

for (const [mode, workers] of [
  ['hybrid', 1],
  ['fork', 1],
  ['hybrid', 2],
] as const) {
  test(`${mode} mode, ${workers} worker(s): an input running past -max_total_time is stopped`, () => {
    const { corpus, art } = setUp();
    const started = Date.now();
    const r = spawnSync(
      fuzzwbBin,
      [
        'fuzz',
        target,
        corpus,
        `-mode=${mode}`,
        '-max_total_time=2',
        `-workers=${workers}`,
        // No compares: the fixture's other prefixes (CRSH) would be a crash within the run.
        '-use_cmp=0',
        '-seed=1',
      ].concat(`-artifact_prefix=${art}`),
      { encoding: 'utf8', timeout: 90_000 },
    );
    const took = Date.now() - started;
    assert.equal(r.status, 0, r.stderr);
    // The hang would hold the run for the default -timeout, 1200 s.
    assert.ok(took < 30_000, `took ${took} ms`);
    assert.match(r.stderr, /still running 1 s after -max_total_time and was stopped/);
    assert.match(r.stderr, /-timeout is 1200 s/);
    assert.match(r.stderr, /DONE/);
    assert.doesNotMatch(r.stderr, /the executor was stopped|\n\s+at /);
    assert.deepEqual(
      readdirSync(art).filter((n) => n.startsWith('timeout-')),
      [],
      'no finding: the input was not past -timeout',
    );
    assert.ok(readdirSync(corpus).length >= 2, 'the corpus is kept');
  });
}

test('a stop request (SIGINT) during an input that never returns ends the run in seconds', async () => {
  const { corpus, art } = setUp();
  const child = spawn(
    fuzzwbBin,
    ['fuzz', target, corpus, '-workers=1', '-seed=1', `-artifact_prefix=${art}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  let asked = 0;
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderr += s;
    // The seeds run as one batch: a second after they are loaded, the hang holds the target.
    if (asked === 0 && /seed input\(s\) loaded/.test(stderr)) {
      asked = Date.now();
      setTimeout(() => child.kill('SIGINT'), 1000);
    }
  });
  const code = await new Promise<number | null>((done) => child.on('exit', done));
  clearTimeout(killer);
  const took = Date.now() - asked;
  assert.equal(code, 0, stderr);
  assert.ok(took < 20_000, `took ${took} ms after the seeds were loaded`);
  assert.match(stderr, /still running 1 s after the stop request and was stopped/);
  assert.match(stderr, /DONE/);
});
