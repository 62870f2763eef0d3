// One fuzzing run as a reusable object: the CLI prints its events, the engine server forwards them.
import { checkRunOutputs } from '../io/writable';
import type { DeltaLine } from '../coverage/deltaFeed';
import { openLiveDeltas, type LiveDeltas } from '../coverage/liveDeltas';
import { pickFreeCpu } from '../exec/cpuBinding';
import { CorpusWriter } from '../corpus/corpusWriter';
import type { FindingRecord } from '../fuzz/artifacts';
import { DictionaryError, loadDictionary } from '../fuzz/dictionary';
import { startModeExecutors, type FuzzMode, type ModeExecutors } from '../fuzz/hybridModes';
import { FuzzLoop, type LoopEnd, type LoopStats } from '../fuzz/loop';
import type { StageReport } from '../fuzz/budget';
import type { StageName } from '../fuzz/stage';
import { loadSeeds } from '../fuzz/seeds';
import { SlowUnits, slowUnitLine, type SlowUnit, type SlowUnitSink } from '../fuzz/slowUnits';
import { OverrunGuard } from './deadline';
import { loopOptionsFor } from './loopOptions';
import type { BatchFinding } from '../native/types';
import { TriageSession, type TriageSessionOptions } from '../triage/session';
import type { TriageOutcome } from '../triage/triager';

export interface FuzzSessionOptions {
  target: string;
  /** The first one receives new inputs; all are read as seeds. */
  corpusDirs: string[];
  maxLen: number;
  /** 0 picks one from the clock. */
  seed: number;
  timeoutMs: number;
  rssLimitMb: number;
  /** Largest single allocation in MiB; 0 or absent = rssLimitMb (libFuzzer's -malloc_limit_mb). */
  mallocLimitMb?: number;
  startupTimeoutMs: number;
  /** '' = no user dictionary. */
  dictPath: string;
  useCmp: boolean;
  /** The loop's stages that may run (-stages); havoc always does. */
  stages: ReadonlySet<StageName>;
  /** Shorter inputs replace entries that hold no more (-reduce_inputs); absent = on. */
  reduceInputs?: boolean;
  mode: FuzzMode;
  /** Inputs per persistent child (hybrid and persistent modes). */
  persistent: number;
  artifactPrefix: string;
  verifyRuns: number;
  triageSkip: string;
  sarifPath: string;
  keepGoing: boolean;
  /** Look for memory leaks as libFuzzer does (-detect_leaks). */
  detectLeaks: boolean;
  /** An input running at least this long is written as slow-unit-<sha1>; 0 or absent = off. */
  slowUnitMs?: number;
  maxTotalTimeMs: number;
  maxRuns: number;
  /** Source roots for coverage paths; used when coverage events are wanted. */
  sourceRoots: string[];
  /** Send coverage deltas through `events.coverage` (rate-limited). */
  coverage: boolean;
  /** Bind the executors to a free core (exec/cpuBinding.ts); default true. */
  bindCpu?: boolean;
}

/** Something a session reports; `tag` matches libFuzzer's status words. */
export type StatusTag = 'NEW' | 'REDUCE' | 'pulse' | 'UNIQUE' | 'CRASH' | 'DONE';

export interface FuzzSessionEvents {
  info(message: string): void;
  warning(message: string): void;
  status(tag: StatusTag, stats: LoopStats, uniqueFindings: number): void;
  /** A crash state seen for the first time, already triaged and written. */
  newFinding(result: BatchFinding, outcome: TriageOutcome): void;
  /** A known crash state got a smaller input. */
  smallerFinding(outcome: TriageOutcome): void;
  /** A persistent-mode end that a fresh process did not repeat. */
  notReproduced(kind: string): void;
  coverage?(delta: DeltaLine): void;
  /**
   * A finding whose input could not be written (a full or read-only disk). It still counts as
   * found; the caller shows the input some other way. Without this, it is a warning.
   */
  lostFinding?(input: Buffer, record: FindingRecord, message: string): void;
  /** A new slowest input past -report_slow_units, written out. Without this, an info line. */
  slowUnit?(unit: SlowUnit): void;
}

/** The slow units of a run (undefined when off), and where what becomes of them is said. */
export function slowUnitsOf(
  opts: Pick<FuzzSessionOptions, 'artifactPrefix' | 'slowUnitMs'>,
  events: Pick<FuzzSessionEvents, 'info' | 'warning' | 'slowUnit'>,
): { units: SlowUnits; sink: SlowUnitSink } | undefined {
  const ms = opts.slowUnitMs ?? 0;
  if (ms <= 0) return undefined;
  return {
    units: new SlowUnits(opts.artifactPrefix, ms),
    sink: {
      slowUnit: (u) =>
        events.slowUnit !== undefined ? events.slowUnit(u) : events.info(slowUnitLine(u)),
      warning: (m) => events.warning(m),
    },
  };
}

/** The one line a lost finding is without a lostFinding handler: the input in base64. */
export function lostFindingLine(input: Buffer, record: FindingRecord, message: string): string {
  return (
    `cannot write ${record.artifact}: ${message}; the ${record.type} input ` +
    `(${input.length} bytes, base64): ${input.toString('base64')}`
  );
}

export interface FuzzSessionResult {
  end: LoopEnd;
  stats: LoopStats;
  uniqueFindings: number;
  /** Kind of the first finding of this run, if any (the CLI's exit code). */
  firstFinding: BatchFinding['kind'] | undefined;
  hybrid: boolean;
  /** Leaky inputs run again under the leak check (absent when leaks are not looked for). */
  leakChecks?: number;
  /** Each stage's share of the time and what it found (summed over workers). */
  stages: StageReport[];
}

/** The executor option that binds a session's executors to one free core, unless turned off. */
export function executorCpu(opts: Pick<FuzzSessionOptions, 'bindCpu'>, preferred: number) {
  const cpu = opts.bindCpu === false ? undefined : pickFreeCpu(preferred);
  return cpu !== undefined ? { cpu } : {};
}

/** The triage part of a session's options (one triage, however many workers fuzz). */
export function triageOptions(
  opts: FuzzSessionOptions,
  events: Pick<FuzzSessionEvents, 'warning' | 'lostFinding'>,
): TriageSessionOptions {
  return {
    target: opts.target,
    prefix: opts.artifactPrefix,
    verifyRuns: Math.max(0, opts.verifyRuns),
    skip: opts.triageSkip,
    sarifPath: opts.sarifPath,
    failures: {
      lost: (input, record, message) =>
        events.lostFinding !== undefined
          ? events.lostFinding(input, record, message)
          : events.warning(lostFindingLine(input, record, message)),
      warning: (m) => events.warning(m),
    },
  };
}

/** Bad options (a missing dictionary, an unwritable artifact prefix): the caller's fault. */
export class SessionOptionsError extends Error {}

export class FuzzSession {
  private constructor(
    private readonly opts: FuzzSessionOptions,
    private readonly events: FuzzSessionEvents,
    private readonly execs: ModeExecutors,
    private readonly triage: TriageSession,
    private readonly seeds: Buffer[],
    private readonly dictionary: Buffer[],
    private readonly seed: number,
    private readonly feed: LiveDeltas | undefined,
  ) {}

  private loop: FuzzLoop | undefined;
  private stopRequested = false;
  /** Stops an input still running past the time limit, or past a stop request. */
  private guard: OverrunGuard | undefined;

  /** Loads seeds, dictionary and known findings, and starts the executors. */
  static async start(opts: FuzzSessionOptions, events: FuzzSessionEvents): Promise<FuzzSession> {
    checkRunOutputs({
      ...(opts.corpusDirs[0] !== undefined ? { corpus: opts.corpusDirs[0] } : {}),
      prefix: opts.artifactPrefix,
      sarif: opts.sarifPath,
    });
    const { seeds, warnings } = loadSeeds(opts.corpusDirs, opts.maxLen);
    for (const w of warnings) events.warning(w);
    const seed = opts.seed || Date.now() % 0x7fffffff;
    events.info(`Seed: ${seed}`);
    let dictionary: Buffer[] = [];
    try {
      if (opts.dictPath !== '') dictionary = loadDictionary(opts.dictPath);
    } catch (err) {
      if (err instanceof DictionaryError) throw new SessionOptionsError(err.message);
      throw err;
    }
    if (opts.dictPath !== '') {
      events.info(`${dictionary.length} dictionary token(s) from ${opts.dictPath}`);
    }
    const execs = await startModeExecutors(
      opts.mode,
      {
        target: opts.target,
        timeoutMs: opts.timeoutMs,
        rssLimitMb: opts.rssLimitMb,
        mallocLimitMb: opts.mallocLimitMb ?? 0,
        handshakeTimeoutMs: opts.startupTimeoutMs,
        maxInputSize: Math.max(opts.maxLen, ...seeds.map((s) => s.length), 1),
        // Crashes are symbolized by the triage session's cached symbolizer, not in every child.
        symbolize: false,
        cmp: opts.useCmp,
        detectLeaks: opts.detectLeaks,
        slowUnitMs: opts.slowUnitMs ?? 0,
        ...executorCpu(opts, 0),
      },
      Math.max(0, opts.persistent),
      {
        onNotReproduced: (_input, res) => events.notReproduced(res.kind),
        onLeaksOff: (message) => events.warning(message),
      },
    );
    const { handshake } = execs;
    events.info(
      `fork server up (pid ${handshake.serverPid}), ${handshake.modules.length} module(s), ` +
        `${handshake.countersUsed} edge counters`,
    );
    events.info(execs.describe);
    events.info(`${seeds.length} seed input(s) loaded`);
    let triage: TriageSession;
    try {
      triage = new TriageSession(execs.fresh, triageOptions(opts, events));
    } catch (err) {
      await execs.stop();
      throw new SessionOptionsError((err as Error).message);
    }
    for (const w of triage.warnings) events.warning(w);
    if (triage.resumed > 0) events.info(`${triage.resumed} known finding(s) loaded`);
    const onDelta = events.coverage?.bind(events);
    const feed =
      opts.coverage && onDelta !== undefined
        ? openLiveDeltas(execs.covering, opts.target, opts.sourceRoots, onDelta, (m) =>
            events.warning(m),
          )
        : undefined;
    return new FuzzSession(opts, events, execs, triage, seeds, dictionary, seed, feed);
  }

  /** The findings store: every unique finding, including those loaded from disk. */
  get findings(): TriageSession['store'] {
    return this.triage.store;
  }

  get usedSeed(): number {
    return this.seed;
  }

  /** The live coverage collector, when the session was started with coverage. */
  get coverage(): LiveDeltas['collector'] | undefined {
    return this.feed?.collector;
  }

  /** Current counters while running (the IDE shows them every second; pulses double in spacing). */
  get liveStats(): LoopStats | undefined {
    return this.loop?.stats();
  }

  /** Asks the run to end after the batch in flight, or a second later if an input runs on. */
  stop(): void {
    this.guard?.stopRequested();
    this.stopRequested = true;
    this.loop?.stop();
  }

  /** Fuzzes until a finding (unless keepGoing), a limit or stop(); then releases everything. */
  async run(): Promise<FuzzSessionResult> {
    const { opts, events } = this;
    const unique = (): number => this.triage.triager.uniqueCount;
    let first: BatchFinding['kind'] | undefined;
    const corpus = new CorpusWriter(opts.corpusDirs[0], (m) => events.warning(m));
    const slow = slowUnitsOf(opts, events);
    const loop = new FuzzLoop(
      this.execs.loop,
      loopOptionsFor({ ...opts, seed: this.seed }, this.dictionary),
      {
        onNew: (input, s) => {
          // Written before it is announced: a reported entry is on disk unless the write failed.
          corpus.add(input);
          events.status('NEW', s, unique());
          this.feed?.tick();
        },
        onReduce: (input, replaced, s) => {
          corpus.replace(input, replaced);
          events.status('REDUCE', s, unique());
        },
        onPulse: (() => {
          let next = 1024;
          return (s: LoopStats) => {
            this.feed?.tick();
            if (s.execs < next) return;
            while (next <= s.execs) next *= 2;
            events.status('pulse', s, unique());
          };
        })(),
        onSlowUnit: (input, execUs) => slow?.units.report(input, execUs, slow.sink),
        onFinding: async (input, result, s) => {
          const outcome = await this.triage.triager.handle(input, result);
          first ??= result.kind;
          if (outcome.status === 'new') {
            events.newFinding(result, outcome);
            events.status('UNIQUE', s, unique());
          } else if (outcome.smaller) {
            events.smallerFinding(outcome);
          }
          if (outcome.status === 'new' || outcome.smaller) this.triage.writeSarif();
          return opts.keepGoing;
        },
      },
    );
    this.loop = loop;
    const guard = new OverrunGuard(
      loop,
      () => this.execs.stop(),
      opts,
      (m) => events.warning(m),
    );
    this.guard = guard;
    if (this.stopRequested) this.stop();
    try {
      const end = await guard.run(() => loop.run(this.seeds));
      const stats = loop.stats();
      events.status(end === 'finding' ? 'CRASH' : 'DONE', stats, unique());
      this.triage.writeSarif();
      return {
        end,
        stats,
        uniqueFindings: unique(),
        firstFinding: first,
        hybrid: this.execs.hybrid !== undefined,
        ...(this.execs.leaks !== undefined ? { leakChecks: this.execs.leaks.counts.checks } : {}),
        stages: loop.stageReport(),
      };
    } finally {
      await this.close();
    }
  }

  /** Releases the executors without running (a caller that gave up before run()). */
  async close(): Promise<void> {
    await this.feed?.close();
    await this.triage.close();
    await this.execs.stop();
  }
}
