// fuzzwb import of a real AFL++ run: several crashes of one bug plus one of another -> two findings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { twoBugsAflRun, twoBugsSource as source } from '../../helpers/aflRun';
import { buildDir } from '../../helpers/build';
import { findings, fuzzwbBin } from '../../helpers/fuzzCli';
import { repoRoot } from '../../helpers/paths';

test(
  'AFL++ crashes of two bugs import as exactly two findings, hits counted',
  { timeout: 150_000 },
  async () => {
    const work = mkdtempSync(join(tmpdir(), 'fwb-afl-import-'));
    const ours = join(buildDir(), 'two_bugs');
    const cc = spawnSync(join(repoRoot, 'bin', 'fuzzwb-cc'), ['-O1', '-g', source, '-o', ours], {
      encoding: 'utf8',
    });
    assert.equal(cc.status, 0, cc.stderr);

    const { out, a, b } = await twoBugsAflRun(work);
    assert.ok(a >= 2 && b >= 1, `AFL++ found ${a} crash(es) of bug A and ${b} of bug B`);
    assert.ok(existsSync(join(out, 'default', 'crashes', 'README.txt')));

    const found = join(work, 'findings');
    const run = spawnSync(
      fuzzwbBin,
      ['import', ours, out, `-artifact_prefix=${found}/`, '-json=1'],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status: string; tool: string; type: string });
    assert.equal(lines.length, a + b, 'one line per AFL++ crash, README.txt left out');
    assert.ok(lines.every((l) => l.tool === 'AFL++'));
    assert.equal(lines.filter((l) => l.status === 'new').length, 2);
    assert.equal(lines.filter((l) => l.status === 'duplicate').length, a + b - 2);

    const records = findings(found);
    assert.equal(records.length, 2, JSON.stringify(records, null, 2));
    const overflow = records.find((r) => r.type.startsWith('heap-buffer-overflow'));
    const uaf = records.find((r) => r.type.startsWith('heap-use-after-free'));
    assert.ok(overflow !== undefined && uaf !== undefined, records.map((r) => r.type).join(', '));
    assert.deepEqual(overflow.crashState, ['overflow']);
    assert.deepEqual(uaf.crashState, ['use_after_free']);
    assert.equal(overflow.hitCount, a);
    assert.equal(uaf.hitCount, b);
    assert.equal(overflow.verification.status, 'reproducible');
    const origin = (overflow as { origin?: { kind: string; tool: string } }).origin;
    assert.deepEqual([origin?.kind, origin?.tool], ['imported input', 'AFL++']);
    // The kept input reproduces with the target, as our own findings do.
    assert.equal(readFileSync(overflow.artifact)[0], 'A'.charCodeAt(0));

    // Importing again adds nothing new: the store deduplicates across runs. -sarif logs it.
    const sarif = join(work, 'findings.sarif');
    const again = spawnSync(
      fuzzwbBin,
      ['import', ours, out, `-artifact_prefix=${found}/`, `-sarif=${sarif}`],
      { encoding: 'utf8' },
    );
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /0 new finding\(s\), 2 in /);
    assert.equal(findings(found).length, 2);

    // That SARIF log, imported elsewhere, gives the same two bugs as SARIF findings, and the
    // AFL++ crashes imported after it are duplicates of them.
    const elsewhere = join(work, 'elsewhere');
    const fromSarif = spawnSync(
      fuzzwbBin,
      ['import', ours, sarif, `-artifact_prefix=${elsewhere}/`],
      { encoding: 'utf8' },
    );
    assert.equal(fromSarif.status, 0, fromSarif.stderr);
    const imported = findings(elsewhere);
    assert.deepEqual(
      imported.map((r) => [r.type, r.crashState.join('/')]).sort(),
      records.map((r) => [r.type, r.crashState.join('/')]).sort(),
    );
    assert.ok(
      imported.every(
        (r) => (r as { origin?: { kind: string } }).origin?.kind === 'imported from SARIF',
      ),
    );
    const thenAfl = spawnSync(fuzzwbBin, ['import', ours, out, `-artifact_prefix=${elsewhere}/`], {
      encoding: 'utf8',
    });
    assert.equal(thenAfl.status, 0, thenAfl.stderr);
    assert.match(thenAfl.stderr, new RegExp(`0 new, ${a + b} duplicate`));
    const replaced = findings(elsewhere);
    assert.equal(replaced.length, 2);
    // Each now keeps a real input (smaller than the SARIF result), runnable with the target.
    assert.ok(replaced.every((r) => r.reproduce.length === 2 && r.reproduce[0] === ours));

    // A malformed SARIF log among the paths: a clear error, and nothing is written.
    const bad = join(work, 'bad.sarif');
    writeFileSync(bad, '{"version": "2.1.0", "runs": [');
    const fresh = join(work, 'fresh');
    const refused = spawnSync(fuzzwbBin, ['import', ours, out, bad, `-artifact_prefix=${fresh}/`], {
      encoding: 'utf8',
    });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /bad\.sarif: not JSON/);
    assert.ok(!existsSync(fresh), 'nothing written');
  },
);
