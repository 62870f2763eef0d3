// fuzzwb import of a real AFL++ run: several crashes of one bug plus one of another -> two findings.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDir } from '../../helpers/build';
import { findings, fuzzwbBin } from '../../helpers/fuzzCli';
import { fixture, repoRoot } from '../../helpers/paths';

const source = fixture('import', 'two_bugs.c');

/** AFL++'s crash files, grouped by the byte that picks the fixture's bug. */
function crashesByBug(dir: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  if (!existsSync(dir)) return groups;
  for (const name of readdirSync(dir).filter((n) => n.startsWith('id:'))) {
    const bug = String.fromCharCode(readFileSync(join(dir, name))[0] ?? 0);
    groups.set(bug, [...(groups.get(bug) ?? []), name]);
  }
  return groups;
}

/** Runs Debian's afl-fuzz until it has saved two crashes of bug A and one of bug B (or 60 s). */
async function runAfl(work: string, binary: string): Promise<string> {
  const input = join(work, 'in');
  mkdirSync(input);
  writeFileSync(join(input, 'seed'), 'Z0');
  const out = join(work, 'afl-out');
  const crashes = join(out, 'default', 'crashes');
  const afl = spawn('afl-fuzz', ['-m', 'none', '-V', '60', '-i', input, '-o', out, '--', binary], {
    env: {
      ...process.env,
      AFL_SKIP_CPUFREQ: '1',
      AFL_NO_AFFINITY: '1',
      AFL_NO_UI: '1',
      AFL_FAST_CAL: '1',
      AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES: '1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  afl.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => afl.on('exit', () => resolve()));
  const poll = setInterval(() => {
    const g = crashesByBug(crashes);
    if ((g.get('A')?.length ?? 0) >= 2 && (g.get('B')?.length ?? 0) >= 1) afl.kill('SIGINT');
  }, 250);
  await exited;
  clearInterval(poll);
  assert.ok(existsSync(crashes), `afl-fuzz made no crash folder:\n${stderr}`);
  return out;
}

test(
  'AFL++ crashes of two bugs import as exactly two findings, hits counted',
  { timeout: 150_000 },
  async () => {
    const work = mkdtempSync(join(tmpdir(), 'fwb-afl-import-'));
    const aflBinary = join(work, 'two_bugs-afl');
    const afl = spawnSync(
      'afl-clang-fast',
      ['-O1', '-g', source, '/usr/lib/afl/libAFLDriver.a', '-o', aflBinary],
      { env: { ...process.env, AFL_USE_ASAN: '1', AFL_QUIET: '1' }, encoding: 'utf8' },
    );
    assert.equal(afl.status, 0, afl.stderr);
    const ours = join(buildDir(), 'two_bugs');
    const cc = spawnSync(join(repoRoot, 'bin', 'fuzzwb-cc'), ['-O1', '-g', source, '-o', ours], {
      encoding: 'utf8',
    });
    assert.equal(cc.status, 0, cc.stderr);

    const out = await runAfl(work, aflBinary);
    const groups = crashesByBug(join(out, 'default', 'crashes'));
    const a = groups.get('A')?.length ?? 0;
    const b = groups.get('B')?.length ?? 0;
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
