// From no seeds at all, a keep-going run reports exactly the three planted bugs of a target whose
// bugs are each reachable through many inputs: one finding each, verified, at the right line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDir } from '../../helpers/build';
import { afterUnique, findings, fuzzUntil } from '../../helpers/fuzzCli';
import { fixture, repoRoot } from '../../helpers/paths';
import { validateSarif } from '../../unit/triage/sarifSchema';

const source = fixture('triage', 'three_bugs.c');

/** Each `BUG(type)` marker in the source: the type ASan reports and the line it reports. */
function planted(): { type: string; line: number }[] {
  return readFileSync(source, 'utf8')
    .split('\n')
    .flatMap((l, i) => {
      const m = /BUG\(([\w-]+)\)/.exec(l);
      return m?.[1] !== undefined ? [{ type: m[1], line: i + 1 }] : [];
    });
}

test(
  'three planted bugs, found from nothing, reported once each',
  { timeout: 200_000 },
  async () => {
    const bugs = planted();
    assert.equal(bugs.length, 3);
    const target = join(buildDir(), 'three-bugs');
    const cc = spawnSync(join(repoRoot, 'bin', 'fuzzwb-cc'), ['-O1', source, '-o', target], {
      encoding: 'utf8',
    });
    assert.equal(cc.status, 0, cc.stderr);
    const out = mkdtempSync(join(tmpdir(), 'fwb-three-'));
    const sarif = join(out, 'findings.sarif');
    const run = await fuzzUntil(
      [
        'fuzz',
        target,
        join(out, 'corpus'),
        '-keep_going=1',
        '-max_total_time=150',
        `-artifact_prefix=${out}/`,
        `-sarif=${sarif}`,
      ],
      // Once all three are in, keep going a while: no duplicate may turn into a fourth.
      afterUnique(3, 20_000),
      170_000,
    );
    assert.match(run.stderr, /uniq: 3\b/, run.stderr.slice(-3000));
    assert.doesNotMatch(run.stderr, /uniq: [4-9]/);
    const found = findings(out);
    assert.equal(
      found.length,
      3,
      found.map((f) => `${f.type} ${f.crashState.join('/')}`).join('\n'),
    );
    for (const bug of bugs) {
      const f = found.find((x) => x.type.startsWith(bug.type) && x.frames[0]?.line === bug.line);
      assert.ok(
        f,
        `${bug.type} at line ${bug.line}: ${JSON.stringify(found.map((x) => [x.type, x.frames[0]?.line]))}`,
      );
      assert.equal(f.frames[0]?.file, source);
      assert.equal(f.verification.status, 'reproducible');
      assert.ok(f.hitCount >= 1);
    }
    // Each bug is reachable through many inputs, and the run saw them again and again.
    assert.ok(
      found.some((f) => f.hitCount > 1),
      'duplicates were counted, not reported',
    );
    assert.deepEqual(validateSarif(JSON.parse(readFileSync(sarif, 'utf8'))), []);
  },
);
