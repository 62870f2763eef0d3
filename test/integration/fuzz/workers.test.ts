// -workers=2 on a real target: the planted bug is found, both workers fuzz, their inputs are
// relayed, the corpus holds each input once, and a killed worker is restarted.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildFixtureTarget } from '../../helpers/build';
import { findings, fuzzUntil } from '../../helpers/fuzzCli';
import { fixture } from '../../helpers/paths';

const source = fixture('fuzz', 'staged_fuzz.c');

let built: string | undefined;
function target(): string {
  built ??= buildFixtureTarget(['staged_fuzz.c'], { dir: 'fuzz', name: 'staged' });
  return built;
}

/** The fixture whose first stage only a peer's input passes. */
function relayTarget(): string {
  return buildFixtureTarget(['relay_fuzz.c'], { dir: 'fuzz', name: 'relay' });
}

/** The value of one `stat::name: N` line. */
function stat(stderr: string, name: string): number {
  const m = new RegExp(`^stat::${name}:\\s+(\\d+)$`, 'm').exec(stderr);
  assert.ok(m?.[1] !== undefined, `no stat::${name} in\n${stderr.slice(-2000)}`);
  return Number(m[1]);
}

test(
  'two workers find the planted bug together, sharing one corpus',
  { timeout: 150_000 },
  async () => {
    const out = mkdtempSync(join(tmpdir(), 'fwb-workers-'));
    const corpus = join(out, 'corpus');
    // Seeds are dealt round-robin in name order: worker 0 alone gets one past the fixture's
    // four-byte magic, worker 1 one that is not. Blind havoc (-use_cmp=0) does not guess the
    // magic, so worker 1 gets past it only by keeping what worker 0 relays: the relay at work,
    // not a race between the two. The run goes on past the bug (-keep_going) for it to land.
    const seeds = join(out, 'seeds');
    mkdirSync(seeds);
    writeFileSync(join(seeds, 'a-deep'), 'WORK....');
    writeFileSync(join(seeds, 'b-shallow'), '........');
    const run = await fuzzUntil(
      [
        'fuzz',
        relayTarget(),
        corpus,
        seeds,
        '-workers=2',
        '-seed=1',
        '-use_cmp=0',
        '-keep_going=1',
        '-max_total_time=4',
        `-artifact_prefix=${out}/`,
      ],
      () => false,
      120_000,
    );
    const tail = run.stderr.slice(-3000);
    assert.equal(run.code, 77, tail);
    assert.match(run.stderr, /INFO: 2 workers \(pids \d+, \d+\)/);
    const found = findings(out);
    assert.deepEqual(
      found.map((f) => [f.crashState[0], f.verification.status]),
      [['planted_bug', 'reproducible']],
      tail,
    );
    assert.equal(stat(run.stderr, 'workers'), 2);
    const execs = [0, 1].map((i) => stat(run.stderr, `worker_${i}_executed_units`));
    assert.ok(
      execs.every((n) => n > 0),
      `both workers ran: ${execs.join(', ')}`,
    );
    assert.equal(stat(run.stderr, 'number_of_executed_units'), execs[0]! + execs[1]!);
    assert.ok(stat(run.stderr, 'inputs_relayed') > 0, tail);
    const kept = [0, 1].map((i) => stat(run.stderr, `worker_${i}_relayed_units_kept`));
    assert.ok(kept[1]! > 0, `worker 0's magic added coverage in worker 1: ${tail}`);
    // One file per distinct input, named by its content: what both found is there once.
    const files = readdirSync(corpus);
    const hashes = files.map((f) =>
      createHash('sha1')
        .update(readFileSync(join(corpus, f)))
        .digest('hex'),
    );
    assert.deepEqual(hashes, files);
    // A shorter input that took an entry's place (REDUCE) is written and the longer one this
    // run wrote is removed, as libFuzzer does; two workers may reduce to the same bytes.
    const news = run.stderr.match(/^#\d+\s+NEW /gm) ?? [];
    const reduced = run.stderr.match(/^#\d+\s+REDUCE /gm) ?? [];
    assert.ok(files.length >= news.length - reduced.length, 'a NEW file goes only by a REDUCE');
    assert.ok(files.length <= news.length + reduced.length, 'no file without a NEW or REDUCE');
    // The seeds were in their own folder; what the corpus folder holds is what the run found.
    assert.ok(files.includes(createHash('sha1').update('WORK....').digest('hex')), tail);
    assert.equal(stat(run.stderr, 'new_units_added'), news.length);
  },
);

test(
  'a worker killed mid-run is restarted and said so; the run still ends normally',
  { timeout: 90_000 },
  async () => {
    const out = mkdtempSync(join(tmpdir(), 'fwb-workers-kill-'));
    let killed = false;
    const run = await fuzzUntil(
      [
        'fuzz',
        target(),
        join(out, 'corpus'),
        '-workers=2',
        '-use_cmp=0',
        '-max_len=4',
        '-max_total_time=15',
        `-artifact_prefix=${out}/`,
      ],
      (stderr) => {
        const pid = /INFO: 2 workers \(pids \d+, (\d+)\)/.exec(stderr)?.[1];
        if (pid !== undefined && !killed && /pulse/.test(stderr)) {
          killed = true;
          process.kill(Number(pid), 'SIGKILL');
        }
        return false;
      },
      60_000,
    );
    const tail = run.stderr.slice(-3000);
    assert.ok(killed, tail);
    assert.equal(run.code, 0, tail);
    assert.match(run.stderr, /WARNING: worker 1 died \(signal SIGKILL\); restarting it/, tail);
    assert.equal(stat(run.stderr, 'worker_1_restarts'), 1);
    assert.equal(stat(run.stderr, 'worker_0_restarts'), 0);
    assert.match(run.stderr, /^#\d+\s+DONE /m);
  },
);

test(
  'live coverage of a parallel run: the parent runs every new input of any worker',
  { timeout: 90_000 },
  async () => {
    const out = mkdtempSync(join(tmpdir(), 'fwb-workers-cov-'));
    const deltas = join(out, 'deltas.jsonl');
    const run = await fuzzUntil(
      [
        'fuzz',
        target(),
        join(out, 'corpus'),
        '-workers=2',
        '-max_len=8',
        '-use_cmp=0',
        '-runs=3000',
        `-coverage_deltas=${deltas}`,
        `-artifact_prefix=${out}/`,
      ],
      () => false,
      60_000,
    );
    assert.equal(run.code, 0, run.stderr.slice(-3000));
    const covered = new Set<number>();
    for (const l of readFileSync(deltas, 'utf8').trim().split('\n')) {
      const delta = JSON.parse(l) as {
        files: { file: string; lines: { line: number; state: string }[] }[];
      };
      for (const f of delta.files) {
        if (f.file !== source) continue;
        for (const x of f.lines) if (x.state === 'covered') covered.add(x.line);
      }
    }
    // Any 8-byte input reaches the first stage; 3000 blind runs do not get far past it.
    const text = readFileSync(source, 'utf8').split('\n');
    const line = (code: string): number => text.findIndex((t) => t.includes(code)) + 1;
    for (const code of ['size < 8', "data[0] != 'W'"]) {
      assert.ok(covered.has(line(code)), `${code}: ${[...covered].join(',')}`);
    }
    assert.ok(!covered.has(line('planted_bug(size);')), 'the bug line was not reached');
  },
);
