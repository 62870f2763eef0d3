// SIGKILL mid-run: every corpus entry and finding `fuzzwb fuzz` reported is complete on disk, and
// a restart on the same directories resumes with the same coverage.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { sha1, type FindingRecord } from '../../../src/engine/fuzz/artifacts';
import { buildDir } from '../../helpers/build';
import { fuzzwbBin } from '../../helpers/fuzzCli';
import { repoRoot } from '../../helpers/paths';

/** The example device: coverage keeps growing for a while, and three bugs show up early. */
function buildDevice(): string {
  const out = join(buildDir(), 'device-sigkill');
  const dev = join(repoRoot, 'examples', 'device');
  const cc = spawnSync(
    join(repoRoot, 'bin', 'fuzzwb-cc'),
    ['-O1', join(dev, 'device.c'), join(dev, 'device_fuzz.c'), '-o', out],
    { encoding: 'utf8' },
  );
  assert.equal(cc.status, 0, cc.stderr);
  return out;
}

/** Runs fuzzwb until `enough` holds for its stderr (or limitMs), then kills it with SIGKILL. */
function fuzzThenKill(
  args: string[],
  enough: (stderr: string) => boolean,
  limitMs: number,
  watch: { folder: string; copyTo: string },
): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(fuzzwbBin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const timer = setTimeout(kill, limitMs);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr += s;
      snapshotInputs(watch.folder, watch.copyTo);
      if (enough(stderr)) kill();
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ signal, stderr });
    });
  });
}

/**
 * Copies the finding inputs in `folder` to `copyTo` as they appear: a smaller input replaces
 * (removes) an earlier one whose edges the status lines already counted.
 */
function snapshotInputs(folder: string, copyTo: string): void {
  if (!existsSync(folder)) return;
  for (const n of readdirSync(folder)) {
    if (!FINDING_INPUT.test(n) || existsSync(join(copyTo, n))) continue;
    try {
      copyFileSync(join(folder, n), join(copyTo, n));
    } catch {
      // Removed between the listing and the copy: the smaller input that replaced it is kept.
    }
  }
}
const FINDING_INPUT = /^(crash|leak|timeout|oom|slow-unit)-[0-9a-f]{40}$/;

const newLines = (stderr: string): string[] =>
  stderr.split('\n').filter((l) => /^#\d+\tNEW /.test(l));
/**
 * The input each reported finding holds last: a smaller input of the same type replaces the
 * earlier file (and removes it), so only the latest path per type must be on disk.
 */
function reportedFindings(stderr: string): [string, string][] {
  const latest = new Map<string, string>();
  let type = '';
  for (const line of stderr.split('\n')) {
    const fresh = /^==fuzzwb== new \S+: (.*)$/.exec(line);
    if (fresh !== null) type = fresh[1] ?? '';
    const written = /^==fuzzwb== input written to (\S+)/.exec(line);
    if (written !== null) latest.set(type, written[1] ?? '');
    const smaller = /^==fuzzwb== smaller input for (.*): (\S+)$/.exec(line);
    if (smaller !== null) latest.set(smaller[1] ?? '', smaller[2] ?? '');
  }
  return [...latest.entries()];
}
/** Edges a corpus covers, as `fuzzwb cov` counts them. */
function covEdges(target: string, dirs: string[]): number {
  const r = spawnSync(fuzzwbBin, ['cov', target, ...dirs], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(/edges (\d+)\//.exec(r.stderr)?.[1]);
}

const covOf = (line: string | undefined): number => Number(/cov: (\d+)/.exec(line ?? '')?.[1]);

test(
  'SIGKILL loses no reported corpus entry or finding; a restart resumes',
  { timeout: 180_000 },
  async () => {
    const target = buildDevice();
    const work = mkdtempSync(join(tmpdir(), 'fwb-sigkill-'));
    const corpus = join(work, 'corpus');
    const prefix = `${join(work, 'findings')}/`;
    // One process: the kill must hit the process that writes and reports.
    const args = [
      'fuzz',
      target,
      corpus,
      '-workers=1',
      '-keep_going=1',
      '-seed=7',
      `-artifact_prefix=${prefix}`,
    ];
    // The status lines count edges that only finding inputs reached; a restart, which does not
    // run its known findings again, cannot show those. Every finding input seen is kept here.
    const findingInputs = join(work, 'finding-inputs');
    mkdirSync(findingInputs);
    const killed = await fuzzThenKill(
      [...args, '-max_total_time=120'],
      (s) => newLines(s).length >= 25 && reportedFindings(s).length >= 2,
      30_000,
      { folder: join(work, 'findings'), copyTo: findingInputs },
    );
    assert.equal(killed.signal, 'SIGKILL', killed.stderr.slice(-2000));
    const news = newLines(killed.stderr);
    const found = reportedFindings(killed.stderr);
    assert.ok(news.length >= 5, `only ${news.length} NEW lines before the kill`);
    assert.ok(found.length >= 1, killed.stderr.slice(-2000));

    // Every file that is not a temporary (dot) file is a whole entry, named by its content.
    const names = readdirSync(corpus);
    const entries = names.filter((n) => !n.startsWith('.'));
    for (const n of entries) {
      assert.equal(sha1(readFileSync(join(corpus, n))), n, `corpus file ${n} is incomplete`);
    }
    assert.ok(
      entries.length >= news.length,
      `${entries.length} files for ${news.length} NEW lines`,
    );

    // Every finding reported is there, whole, with its description. A kill between replacing
    // a finding's input by a smaller one and saying so leaves the smaller one, not yet reported.
    const folder = join(work, 'findings');
    const stored = readdirSync(folder)
      .filter((n) => n.endsWith('.json'))
      .map((n) => JSON.parse(readFileSync(join(folder, n), 'utf8')) as FindingRecord);
    for (const [type, path] of found) {
      if (!existsSync(path)) {
        assert.ok(
          stored.some((r) => r.type === type),
          `reported finding ${path} (${type}) is missing and no finding of that type replaced it`,
        );
        continue;
      }
      const data = readFileSync(path);
      assert.equal(basename(path), `crash-${sha1(data)}`);
      const record = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as FindingRecord;
      assert.equal(record.artifact, basename(path));
      assert.equal(record.size, data.length);
    }
    const unique = new Set(
      readdirSync(join(work, 'findings')).filter((n) =>
        /^(crash|leak|timeout|oom|slow-unit)-[0-9a-f]{40}\.json$/.test(n),
      ),
    );
    snapshotInputs(folder, findingInputs);
    const onCorpus = covEdges(target, [corpus]);
    const findingOnly = covEdges(target, [corpus, findingInputs]) - onCorpus;

    // The restart loads exactly the entries (no temporary file among them), every finding, and
    // reaches at least the coverage last reported, from the seeds alone.
    const restart = spawnSync(fuzzwbBin, [...args, `-runs=${entries.length}`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(restart.status, 0, restart.stderr.slice(-2000));
    assert.match(restart.stderr, new RegExp(`INFO: ${entries.length} seed input\\(s\\) loaded`));
    assert.match(restart.stderr, new RegExp(`INFO: ${unique.size} known finding\\(s\\) loaded`));
    assert.doesNotMatch(restart.stderr, /WARNING: skip/);
    const done = restart.stderr.split('\n').find((l) => /\tDONE /.test(l));
    assert.ok(covOf(done) >= onCorpus, `restart covers ${covOf(done)}, its corpus ${onCorpus}`);
    assert.ok(
      covOf(done) >= covOf(news.at(-1)) - findingOnly,
      `restart covers ${covOf(done)}, the killed run reported ${covOf(news.at(-1))}, ` +
        `${findingOnly} of them reached only by finding inputs`,
    );
  },
);
