// fuzzwb fuzz -keep_going=1 on examples/device: exactly its three planted bugs, verified, in SARIF.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDir } from '../../helpers/build';
import { findings, fuzzUntil } from '../../helpers/fuzzCli';
import { fixture, repoRoot } from '../../helpers/paths';
import { validateSarif } from '../../unit/triage/sarifSchema';

const deviceC = join(repoRoot, 'examples', 'device', 'device.c');

/** The line holding `code` in device.c: where each planted bug is reported. */
function lineOf(code: string): number {
  const i = readFileSync(deviceC, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(code));
  assert.ok(i >= 0, `device.c has ${code}`);
  return i + 1;
}

const PLANTED = [
  {
    type: /^heap-buffer-overflow /,
    func: 'dma_start',
    line: lineOf('d->ram[dst + i] = d->fifo[i];'),
  },
  {
    type: /^heap-use-after-free READ$/,
    func: 'dma_start',
    line: lineOf('len = d->last_desc->len;'),
  },
  {
    type: /^heap-buffer-overflow /,
    func: 'device_write',
    line: lineOf('d->irq_counts[value % 64]++;'),
  },
];

test(
  'keep-going finds the three planted bugs once each, verified, at the right lines',
  { timeout: 150_000 },
  async () => {
    const target = join(buildDir(), 'device-keepgoing');
    const cc = spawnSync(
      join(repoRoot, 'bin', 'fuzzwb-cc'),
      ['-O1', '-g', deviceC, join(repoRoot, 'examples', 'device', 'device_fuzz.c'), '-o', target],
      { encoding: 'utf8' },
    );
    assert.equal(cc.status, 0, cc.stderr);
    const out = mkdtempSync(join(tmpdir(), 'fwb-device-'));
    const sarif = join(out, 'findings.sarif');
    const args = [
      'fuzz',
      target,
      join(out, 'corpus'),
      // Seeds keep the run short on a busy 2-core machine: short-dma and loopback-irq are one
      // mutation away from the FIFO overflow and the IRQ_ACK overflow; chained-dma already reaches
      // the use-after-free (the mutator finds it only in some runs within a minute), so every later
      // hit of it must count as a duplicate.
      fixture('triage', 'device-seeds'),
      '-keep_going=1',
      '-seed=7',
      '-max_total_time=100',
      `-artifact_prefix=${out}/`,
      `-sarif=${sarif}`,
    ];
    // Once three are in, keep going 20 s more: no duplicate may appear.
    let threeAt = 0;
    const run = await fuzzUntil(
      args,
      (stderr) => {
        if (threeAt === 0 && /uniq: 3\b/.test(stderr)) threeAt = Date.now();
        return threeAt !== 0 && Date.now() - threeAt > 20_000;
      },
      120_000,
    );
    assert.ok(threeAt !== 0, `three unique findings within the limit:\n${run.stderr.slice(-3000)}`);
    const found = findings(out);
    assert.equal(
      found.length,
      3,
      found.map((f) => `${f.type} ${f.crashState.join('/')}`).join('\n'),
    );
    assert.doesNotMatch(run.stderr, /uniq: [4-9]/);
    for (const bug of PLANTED) {
      const f = found.find(
        (x) =>
          bug.type.test(x.type) && x.crashState[0] === bug.func && x.frames[0]?.line === bug.line,
      );
      assert.ok(
        f,
        `planted bug ${bug.func}:${bug.line} found: ${JSON.stringify(found.map((x) => [x.type, x.frames[0]]))}`,
      );
      assert.equal(f.frames[0]?.file, deviceC);
      assert.equal(f.verification.status, 'reproducible');
      assert.equal(f.verification.reproduced, 3);
      assert.ok(f.hitCount >= 1);
      assert.deepEqual(f.reproduce, [target, f.artifact]);
      // The reproduce command really reproduces it, in a plain process.
      const again = spawnSync(f.reproduce[0] ?? '', f.reproduce.slice(1), { encoding: 'utf8' });
      assert.notEqual(again.status, 0);
      assert.match(again.stderr, new RegExp(`device\\.c:${bug.line}:`));
    }
    const log: unknown = JSON.parse(readFileSync(sarif, 'utf8'));
    assert.deepEqual(validateSarif(log), []);
    assert.equal((log as { runs: { results: unknown[] }[] }).runs[0]?.results.length, 3);

    // The next start resumes the dedup store from the findings on disk.
    const resumed = await fuzzUntil(
      [...args.slice(0, 4), '-keep_going=1', '-max_total_time=3', `-artifact_prefix=${out}/`],
      () => false,
      30_000,
    );
    assert.match(resumed.stderr, /INFO: 3 known finding\(s\) loaded/);
    assert.equal(findings(out).length, 3);
  },
);
