// Hit-count buckets are coverage: an input whose only novelty is a loop running more often is kept.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDir } from '../../helpers/build';
import { fixture, repoRoot } from '../../helpers/paths';

let built: string | undefined;
function target(): string {
  if (built !== undefined) return built;
  const out = join(buildDir(), 'loop-count');
  // -O0: the loop is not unrolled or vectorized, so its block runs once per byte.
  const cc = spawnSync(
    join(repoRoot, 'bin', 'fuzzwb-cc'),
    ['-O0', fixture('fuzz', 'loop_count_fuzz.c'), '-o', out],
    { encoding: 'utf8' },
  );
  assert.equal(cc.status, 0, cc.stderr);
  built = out;
  return out;
}

for (const mode of ['hybrid', 'fork']) {
  test(
    `${mode}: seeds that only run a loop more often are kept by bucket`,
    { timeout: 60_000 },
    () => {
      const corpus = join(mkdtempSync(join(tmpdir(), 'fwb-buckets-')), 'corpus');
      mkdirSync(corpus);
      // Loop counts 1, 4, 5 and 8: buckets 1, 4-7, 4-7 again, 8-15. Seeds run in name order.
      for (const [name, n] of [
        ['a', 1],
        ['b', 4],
        ['c', 5],
        ['d', 8],
      ] as const) {
        writeFileSync(join(corpus, name), Buffer.alloc(n, 0x41));
      }
      const run = spawnSync(
        process.execPath,
        [
          join(repoRoot, 'bin', 'fuzzwb'),
          'fuzz',
          target(),
          corpus,
          '-runs=4',
          '-seed=1',
          `-mode=${mode}`,
        ],
        { encoding: 'utf8', timeout: 50_000 },
      );
      assert.equal(run.status, 0, run.stderr);
      const news = [...run.stderr.matchAll(/^#(\d+)\s+NEW\s+cov: (\d+)/gm)];
      assert.deepEqual(
        news.map((m) => Number(m[1])),
        [1, 2, 4],
        run.stderr,
      );
      // The same edges throughout: the later seeds were new only by their hit counts.
      assert.equal(new Set(news.map((m) => m[2])).size, 1, run.stderr);
    },
  );
}
