// ParallelSession with in-process fake workers: relay, one corpus on disk, summed stats, restarts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sha1 } from '../../../src/engine/fuzz/artifacts';
import type { LoopEnd, LoopStats } from '../../../src/engine/fuzz/loop';
import { TargetError } from '../../../src/engine/exec/executor';
import { STAGE_NAMES } from '../../../src/engine/fuzz/stage';
import type { FuzzSessionEvents, StatusTag } from '../../../src/engine/session/fuzzSession';
import {
  ParallelSession,
  type ParallelSessionOptions,
} from '../../../src/engine/workers/parallelSession';
import type { FromWorker, ToWorker, WorkerSetup } from '../../../src/engine/workers/protocol';
import type { SpawnWorker, WorkerLinkEvents } from '../../../src/engine/workers/workerProcess';

function options(dir: string, over: Partial<ParallelSessionOptions> = {}): ParallelSessionOptions {
  return {
    workers: 2,
    target: '/nonexistent/target',
    corpusDirs: [join(dir, 'corpus')],
    maxLen: 64,
    seed: 7,
    timeoutMs: 1000,
    rssLimitMb: 0,
    startupTimeoutMs: 1000,
    dictPath: '',
    useCmp: true,
    stages: new Set(STAGE_NAMES),
    mode: 'hybrid',
    persistent: 0,
    artifactPrefix: `${dir}/`,
    verifyRuns: 0,
    triageSkip: '',
    sarifPath: '',
    keepGoing: false,
    detectLeaks: false,
    maxTotalTimeMs: 0,
    maxRuns: 0,
    sourceRoots: [],
    coverage: false,
    ...over,
  };
}

function stats(execs: number, cov = 1): LoopStats {
  return { execs, cov, corpus: 0, elapsedMs: 1, execsPerSec: 0 };
}

/** One fake worker process: what it was sent, and a way to answer as the real one would. */
class FakeWorker {
  readonly received: ToWorker[] = [];
  setup: WorkerSetup | undefined;
  constructor(
    readonly index: number,
    readonly life: number,
    private readonly events: WorkerLinkEvents,
  ) {}
  emit(msg: FromWorker): void {
    setImmediate(() => this.events.message(msg));
  }
  exit(why: string, clean: boolean): void {
    setImmediate(() => setImmediate(() => this.events.exit(why, clean)));
  }
  finish(end: LoopEnd, execs: number): void {
    this.emit({ t: 'done', end, stats: stats(execs), stages: [] });
    this.exit('exit code 0', true);
  }
  peers(): string[] {
    return this.received.flatMap((m) =>
      m.t === 'peer' ? m.inputs.map((i) => Buffer.from(i).toString()) : [],
    );
  }
}

/** `script` answers every message a worker gets; workers are listed in the order spawned. */
function fakeSpawn(script: (w: FakeWorker, msg: ToWorker) => void): {
  spawn: SpawnWorker;
  workers: FakeWorker[];
} {
  const workers: FakeWorker[] = [];
  const spawn: SpawnWorker = (index, events) => {
    const life = workers.filter((w) => w.index === index).length;
    const w = new FakeWorker(index, life, events);
    workers.push(w);
    return {
      pid: 1000 + workers.length,
      kill: () => w.exit('signal SIGKILL', false),
      send: (msg) => {
        w.received.push(msg);
        if (msg.t === 'setup') w.setup = msg.setup;
        script(w, msg);
      },
    };
  };
  return { spawn, workers };
}

function ready(w: FakeWorker): void {
  w.emit({ t: 'ready', serverPid: 42, modules: 1, counters: 10, describe: 'fake mode' });
}

function recorder(): FuzzSessionEvents & { tags: StatusTag[]; warnings: string[] } {
  const tags: StatusTag[] = [];
  const warnings: string[] = [];
  return {
    tags,
    warnings,
    info: () => undefined,
    warning: (m) => warnings.push(m),
    status: (tag) => tags.push(tag),
    newFinding: () => undefined,
    smallerFinding: () => undefined,
    notReproduced: () => undefined,
  };
}

test('new inputs are written once, relayed to the other worker, and stats are summed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-par-'));
  const { spawn, workers } = fakeSpawn((w, msg) => {
    if (msg.t === 'setup') ready(w);
    if (msg.t !== 'run') return;
    const found = w.index === 0 ? ['a', 'b'] : ['a', 'c'];
    found.forEach((s, i) =>
      w.emit({ t: 'new', input: Buffer.from(s), stats: stats(100 * (i + 1), 2 + i) }),
    );
    if (w.index === 1) w.emit({ t: 'peerKept', stats: stats(250, 5) });
    setTimeout(() => w.finish('runs', w.index === 0 ? 600 : 500), 30);
  });
  const events = recorder();
  const session = await ParallelSession.start(options(dir), events, spawn);
  const before = session.liveStats;
  assert.equal(before, undefined, 'no numbers before run()');
  const r = await session.run();
  assert.equal(r.end, 'runs');
  assert.equal(session.liveStats?.execs, 1100);
  assert.equal(r.stats.execs, 1100);
  assert.equal(r.stats.cov, 5);
  assert.equal(r.stats.corpus, 3);
  const files = readdirSync(join(dir, 'corpus')).sort();
  assert.deepEqual(files, ['a', 'b', 'c'].map((s) => sha1(Buffer.from(s))).sort());
  assert.equal(events.tags.filter((t) => t === 'NEW').length, 3);
  assert.deepEqual(events.tags.at(-1), 'DONE');
  const [w0, w1] = workers;
  assert.deepEqual(w1?.peers(), ['a', 'b']);
  assert.deepEqual(w0?.peers(), ['c'], 'a peer never gets back what it sent');
  assert.deepEqual(
    r.summary.workers.map((w) => [w.execs, w.found, w.peerKept]),
    [
      [600, 2, 0],
      [500, 1, 1],
    ],
  );
  assert.equal(w0?.setup?.seed, 7);
  assert.equal(w1?.setup?.seed, 8);
});

test('seeds on disk are split between the workers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-par-'));
  const { spawn, workers } = fakeSpawn((w, msg) => {
    if (msg.t === 'setup') ready(w);
    if (msg.t === 'run') w.finish('time', 10);
  });
  const seedDir = join(dir, 'seeds');
  mkdirSync(seedDir);
  for (const s of ['s1', 's2', 's3']) writeFileSync(join(seedDir, s), s);
  const session = await ParallelSession.start(
    options(dir, { corpusDirs: [join(dir, 'corpus'), seedDir] }),
    recorder(),
    spawn,
  );
  const r = await session.run();
  assert.equal(r.end, 'time');
  const shares = workers.map((w) => (w.setup?.seeds ?? []).map((s) => Buffer.from(s).toString()));
  assert.deepEqual(shares, [['s1', 's3'], ['s2']]);
});

test('a worker that dies is restarted with the shared corpus, and said so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-par-'));
  const { spawn, workers } = fakeSpawn((w, msg) => {
    if (msg.t === 'setup') ready(w);
    if (msg.t !== 'run') return;
    if (w.index === 0) {
      w.emit({ t: 'new', input: Buffer.from('found-by-0'), stats: stats(50) });
      setTimeout(() => w.finish('runs', 300), 60);
    } else if (w.life === 0) {
      w.emit({ t: 'pulse', stats: stats(70) });
      setTimeout(() => w.exit('signal SIGKILL', false), 20);
    } else {
      setTimeout(() => w.finish('runs', 30), 10);
    }
  });
  const events = recorder();
  const session = await ParallelSession.start(options(dir, { maxRuns: 1000 }), events, spawn);
  const r = await session.run();
  assert.equal(r.end, 'runs');
  assert.ok(
    events.warnings.some((m) => /worker 1 died \(signal SIGKILL\); restarting it/.test(m)),
    events.warnings.join('\n'),
  );
  const second = workers.find((w) => w.index === 1 && w.life === 1);
  assert.deepEqual(
    (second?.setup?.seeds ?? []).map((s) => Buffer.from(s).toString()),
    ['found-by-0'],
  );
  assert.equal(second?.setup?.options.maxRuns, 500 - 70, 'what is left of its share');
  assert.equal(r.summary.workers[1]?.restarts, 1);
  assert.equal(r.summary.workers[1]?.execs, 100, 'both lives counted');
});

test('a worker that cannot start the target fails the start with a TargetError', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-par-'));
  const { spawn, workers } = fakeSpawn((w, msg) => {
    if (msg.t === 'setup' && w.index === 1) {
      w.emit({ t: 'startError', kind: 'target', message: 'not a fuzz target' });
      w.exit('exit code 1', false);
    } else if (msg.t === 'setup') {
      ready(w);
    } else if (msg.t === 'stop') {
      w.finish('stopped', 0);
    }
  });
  await assert.rejects(
    ParallelSession.start(options(dir), recorder(), spawn),
    (err: unknown) => err instanceof TargetError && err.message === 'not a fuzz target',
  );
  assert.ok(
    workers[0]?.received.some((m) => m.t === 'stop'),
    'the worker that did start is stopped',
  );
});

test('a worker whose target made fuzzing impossible ends the run with that TargetError', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-par-'));
  const { spawn, workers } = fakeSpawn((w, msg) => {
    if (msg.t === 'setup') ready(w);
    if (msg.t === 'run' && w.index === 1) {
      w.emit({ t: 'fatal', message: "the target closed the fuzzer's channel (fd 1024)" });
      w.exit('exit code 1', false);
    } else if (msg.t === 'stop') {
      w.finish('stopped', 10);
    }
  });
  const events = recorder();
  const session = await ParallelSession.start(options(dir, { maxRuns: 1000 }), events, spawn);
  await assert.rejects(
    session.run(),
    (err: unknown) =>
      err instanceof TargetError &&
      err.message === "the target closed the fuzzer's channel (fd 1024)",
  );
  assert.ok(
    workers[0]?.received.some((m) => m.t === 'stop'),
    'the other worker is stopped',
  );
  assert.equal(workers.length, 2, 'the worker is not restarted');
  assert.deepEqual(events.warnings, []);
});
