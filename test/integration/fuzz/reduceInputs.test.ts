// -reduce_inputs on disk: a shorter input replaces the file this run wrote, never a user's file.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFixtureTarget } from '../../helpers/build';
import { fuzzUntil } from '../../helpers/fuzzCli';

test(
  'the corpus folder keeps one file per entry: reduced-away inputs of this run are removed',
  { timeout: 200_000 },
  async () => {
    const bin = buildFixtureTarget(['staged_fuzz.c'], { dir: 'fuzz', name: 'staged-reduce' });
    const out = mkdtempSync(join(tmpdir(), 'fwb-reduce-'));
    const corpus = join(out, 'corpus');
    mkdirSync(corpus);
    // A user's long seed, five stages deep: the run reduces it but must not delete it.
    const seed = `WORKE${'.'.repeat(60)}`;
    writeFileSync(join(corpus, 'users-seed'), seed);
    const run = await fuzzUntil(
      [
        'fuzz',
        bin,
        corpus,
        '-seed=1',
        '-use_cmp=0',
        '-max_total_time=150',
        `-artifact_prefix=${out}/`,
      ],
      () => false,
      180_000,
    );
    const tail = run.stderr.slice(-3000);
    assert.equal(run.code, 77, tail);
    const news = run.stderr.match(/^#\d+\s+NEW /gm) ?? [];
    const reduced = run.stderr.match(/^#\d+\s+REDUCE /gm) ?? [];
    assert.ok(reduced.length > 0, `the run reduced something: ${tail}`);
    const files = readdirSync(corpus);
    assert.ok(files.includes('users-seed'), files.join(' '));
    assert.equal(readFileSync(join(corpus, 'users-seed'), 'utf8'), seed);
    // Every NEW line wrote at most one file (the seed's copy under its hash among them), and a
    // REDUCE swapped one for another: had the longer ones stayed, there would be one per line.
    assert.ok(
      files.length <= 1 + news.length,
      `${files.length} files for ${news.length} NEW and ${reduced.length} REDUCE lines`,
    );
    for (const f of files.filter((n) => n !== 'users-seed')) {
      const hash = createHash('sha1')
        .update(readFileSync(join(corpus, f)))
        .digest('hex');
      assert.equal(hash, f);
    }
  },
);
