// A fuzzing run over N worker processes with FuzzSession's events: one corpus, one triage, summed stats.
import { checkRunOutputs } from '../io/writable';
import { CorpusWriter } from '../corpus/corpusWriter';
import { DictionaryError, loadDictionary } from '../fuzz/dictionary';
import { sumStageReports, type StageReport } from '../fuzz/budget';
import type { LoopEnd, LoopStats } from '../fuzz/loop';
import { loadSeeds } from '../fuzz/seeds';
import { TargetError } from '../exec/executor';
import type { BatchFinding } from '../native/types';
import {
  SessionOptionsError,
  slowUnitsOf,
  type FuzzSessionEvents,
  type FuzzSessionOptions,
  type FuzzSessionResult,
} from '../session/fuzzSession';
import { Coordinator, type RunSummary } from './coordinator';
import { MAX_RESTARTS_PER_WORKER, remainingBudget, runShare, splitSeeds, workerSeed } from './plan';
import { asBuffer, reviveFinding, type FromWorker, type WorkerSetup } from './protocol';
import { SharedTriage } from './sharedTriage';
import { forkWorker, type SpawnWorker, type WorkerLink } from './workerProcess';

export interface ParallelSessionOptions extends FuzzSessionOptions {
  /** Worker processes (≥ 2 makes sense; 1 works too). */
  workers: number;
}

export interface ParallelSessionResult extends FuzzSessionResult {
  summary: RunSummary;
}

/** A worker that does not end this long after being told to stop is killed. */
const STOP_GRACE_MS = 10_000;

interface Slot {
  index: number;
  link: WorkerLink | undefined;
  incarnation: number;
  /** The loop's end, once its process said `done`, and what its stages did. */
  end: LoopEnd | undefined;
  stages: StageReport[];
  /** Settled when the process has ended and will not be restarted. */
  finished: boolean;
  ready: ((error: Error | undefined) => void) | undefined;
}

export class ParallelSession {
  private readonly slots: Slot[];
  private coordinator: Coordinator | undefined;
  private running = false;
  private stopReason: LoopEnd | undefined;
  private first: BatchFinding['kind'] | undefined;
  /** What a worker's target made impossible: run() ends with it. */
  private fatal: TargetError | undefined;
  private allFinished: (() => void) | undefined;
  private flushScheduled = false;
  private seed = 0;
  private closed = false;
  private readonly corpus: CorpusWriter;
  /** Slow units are judged here: each worker sees only its own slowest. */
  private readonly slow: ReturnType<typeof slowUnitsOf>;

  private constructor(
    private readonly opts: ParallelSessionOptions,
    private readonly events: FuzzSessionEvents,
    private readonly triage: SharedTriage,
    private readonly spawn: SpawnWorker,
    private readonly shares: Buffer[][],
    private readonly maxInputSize: number,
  ) {
    this.slots = shares.map((_s, index) => ({
      index,
      link: undefined,
      incarnation: 0,
      end: undefined,
      stages: [],
      finished: false,
      ready: undefined,
    }));
    this.corpus = new CorpusWriter(opts.corpusDirs[0], (m) => events.warning(m));
    this.slow = slowUnitsOf(opts, events);
  }

  /**
   * Loads seeds and known findings, then starts every worker and waits for their fork servers.
   * `spawn` defaults to forking this process's entry script (the engine bundle) as `fuzz-worker`.
   */
  static async start(
    opts: ParallelSessionOptions,
    events: FuzzSessionEvents,
    spawn: SpawnWorker = forkWorker(process.argv[1] ?? ''),
  ): Promise<ParallelSession> {
    checkRunOutputs({
      ...(opts.corpusDirs[0] !== undefined ? { corpus: opts.corpusDirs[0] } : {}),
      prefix: opts.artifactPrefix,
      sarif: opts.sarifPath,
    });
    const { seeds, warnings } = loadSeeds(opts.corpusDirs, opts.maxLen);
    for (const w of warnings) events.warning(w);
    if (opts.dictPath !== '') {
      try {
        const tokens = loadDictionary(opts.dictPath);
        events.info(`${tokens.length} dictionary token(s) from ${opts.dictPath}`);
      } catch (err) {
        if (err instanceof DictionaryError) throw new SessionOptionsError(err.message);
        throw err;
      }
    }
    const maxInputSize = seeds.reduce((m, s) => Math.max(m, s.length), Math.max(opts.maxLen, 1));
    const triage = await SharedTriage.open(opts, maxInputSize, events);
    for (const w of triage.session.warnings) events.warning(w);
    if (triage.session.resumed > 0)
      events.info(`${triage.session.resumed} known finding(s) loaded`);
    const shares = splitSeeds(seeds, Math.max(1, opts.workers));
    const session = new ParallelSession(opts, events, triage, spawn, shares, maxInputSize);
    session.seed = opts.seed || Date.now() % 0x7fffffff;
    events.info(`Seed: ${session.seed} (worker i uses seed+i)`);
    try {
      const ready = await Promise.all(
        session.slots.map((s) => session.launch(s, shares[s.index] ?? [])),
      );
      const first = ready[0];
      const servers = ready.map((r) => r.serverPid).join(', ');
      const workers = session.slots.map((s) => s.link?.pid ?? '?').join(', ');
      events.info(
        `${ready.length} workers (pids ${workers}), fork servers up (pids ${servers}), ` +
          `${first?.modules ?? 0} module(s), ${first?.counters ?? 0} edge counters`,
      );
      if (first !== undefined) events.info(first.describe);
      events.info(`${seeds.length} seed input(s) loaded, split between ${ready.length} workers`);
    } catch (err) {
      await session.close();
      throw err;
    }
    return session;
  }

  get findings(): SharedTriage['session']['store'] {
    return this.triage.session.store;
  }

  get usedSeed(): number {
    return this.seed;
  }

  get coverage(): SharedTriage['collector'] {
    return this.triage.collector;
  }

  /** The run's current numbers, summed over the workers (undefined before run()). */
  get liveStats(): LoopStats | undefined {
    return this.coordinator?.stats();
  }

  /** Starts worker `slot` with `seeds` and resolves with its `ready` message. */
  private launch(
    slot: Slot,
    seeds: Buffer[],
    budget = {
      maxRuns: runShare(this.opts.maxRuns, this.slots.length, slot.index),
      maxTotalTimeMs: this.opts.maxTotalTimeMs,
    },
  ): Promise<Extract<FromWorker, { t: 'ready' }>> {
    return new Promise((resolve, reject) => {
      let readyMsg: Extract<FromWorker, { t: 'ready' }> | undefined;
      slot.ready = (error) => {
        slot.ready = undefined;
        if (error !== undefined) reject(error);
        else if (readyMsg !== undefined) resolve(readyMsg);
      };
      const link = this.spawn(slot.index, {
        message: (msg) => {
          if (msg.t === 'ready') readyMsg = msg;
          if (msg.t === 'ready' || msg.t === 'startError') slot.ready?.(startError(msg));
          else this.onMessage(slot, msg);
        },
        stderr: (line) => this.events.warning(`worker ${slot.index}: ${line}`),
        exit: (why) => this.onExit(slot, link, why),
      });
      slot.link = link;
      const setup: WorkerSetup = {
        index: slot.index,
        options: { ...this.opts, ...budget },
        seed: workerSeed(this.seed, this.slots.length, slot.index, slot.incarnation),
        seeds,
        maxInputSize: this.maxInputSize,
      };
      link.send({ t: 'setup', setup });
    });
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    const c = this.coordinator;
    const { events } = this;
    switch (msg.t) {
      case 'warning':
        events.warning(msg.message);
        return;
      case 'fatal':
        this.fatal ??= new TargetError(msg.message);
        this.stopAll('stopped');
        return;
      case 'notReproduced':
        events.notReproduced(msg.kind);
        return;
      case 'slowUnit':
        this.slow?.units.report(asBuffer(msg.input), msg.execUs, this.slow.sink);
        return;
      case 'done':
        slot.end = msg.end;
        slot.stages = msg.stages;
        c?.onStats(slot.index, msg.stats);
        if (this.slots.every((s) => s.end !== undefined || s.finished)) c?.freeze();
        return;
      case 'new': {
        if (c === undefined) return;
        const input = asBuffer(msg.input);
        if (!c.onNew(slot.index, input, msg.stats)) return;
        // Written before it is announced: a reported entry is on disk unless the write failed.
        this.corpus.add(input);
        events.status('NEW', c.stats(), this.triage.uniqueCount);
        this.triage.noteNewInput(input);
        this.scheduleRelay();
        return;
      }
      case 'reduced':
        // On disk for the next run; peers keep their own entries, so nothing is relayed. A peer
        // may still hold the replaced input, but what it alone held there is held on disk now.
        this.corpus.replace(asBuffer(msg.input), asBuffer(msg.replaced));
        c?.onStats(slot.index, msg.stats);
        if (c !== undefined) events.status('REDUCE', c.stats(), this.triage.uniqueCount);
        return;
      case 'peerKept':
        c?.onPeerKept(slot.index, msg.stats);
        return;
      case 'pulse':
        this.triage.tick();
        if (c?.onPulse(slot.index, msg.stats) === true) {
          events.status('pulse', c.stats(), this.triage.uniqueCount);
        }
        return;
      case 'finding':
        c?.onStats(slot.index, msg.stats);
        this.onFinding(slot, msg.id, asBuffer(msg.input), reviveFinding(msg.result));
        return;
      default:
        return;
    }
  }

  private onFinding(slot: Slot, id: number, input: Buffer, result: BatchFinding): void {
    const { opts, events } = this;
    // Without -keep_going the first finding ends the run: the other workers stop now.
    if (!opts.keepGoing) this.stopAll('finding');
    void this.triage.handle(input, result).then(
      (outcome) => {
        this.first ??= result.kind;
        const stats = this.coordinator?.stats();
        if (outcome.status === 'new') {
          events.newFinding(result, outcome);
          if (stats !== undefined) events.status('UNIQUE', stats, this.triage.uniqueCount);
        } else if (outcome.smaller) {
          events.smallerFinding(outcome);
        }
        if (opts.keepGoing)
          slot.link?.send({ t: 'triaged', id, keepGoing: this.stopReason === undefined });
      },
      (err: unknown) => {
        events.warning(`triage failed: ${(err as Error).message}`);
        if (opts.keepGoing)
          slot.link?.send({ t: 'triaged', id, keepGoing: this.stopReason === undefined });
      },
    );
  }

  /** Sends new inputs to the other workers once per turn of the event loop, batched. */
  private scheduleRelay(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      for (const { index, inputs } of this.coordinator?.takeOutboxes() ?? []) {
        this.slots[index]?.link?.send({ t: 'peer', inputs });
      }
    });
  }

  private onExit(slot: Slot, link: WorkerLink, why: string): void {
    if (slot.link !== link) return;
    slot.link = undefined;
    this.coordinator?.onExit(slot.index);
    const died = slot.end === undefined && this.stopReason === undefined;
    if (slot.ready !== undefined) {
      slot.ready(new Error(`worker ${slot.index} ended during startup (${why})`));
    }
    if (died && this.running) this.restart(slot, why);
    else this.finish(slot);
  }

  /** A worker died mid-run: it is started again (with the whole shared corpus) and said so. */
  private restart(slot: Slot, why: string): void {
    const c = this.coordinator;
    const budget =
      c !== undefined
        ? remainingBudget(
            this.opts,
            runShare(this.opts.maxRuns, this.slots.length, slot.index),
            c.execsOf(slot.index),
            c.stats().elapsedMs,
          )
        : undefined;
    if (slot.incarnation >= MAX_RESTARTS_PER_WORKER || budget === undefined || c === undefined) {
      this.events.warning(`worker ${slot.index} died (${why}); not restarted`);
      this.finish(slot);
      return;
    }
    slot.incarnation++;
    this.events.warning(
      `worker ${slot.index} died (${why}); restarting it (restart ${slot.incarnation} of at most ${MAX_RESTARTS_PER_WORKER})`,
    );
    const seeds = c.onRestart(slot.index);
    this.launch(slot, seeds, budget).then(
      () => {
        if (this.stopReason !== undefined) slot.link?.send({ t: 'stop' });
        else slot.link?.send({ t: 'run' });
      },
      (err: unknown) => {
        this.events.warning(`worker ${slot.index} could not restart: ${(err as Error).message}`);
        if (slot.link === undefined) this.finish(slot);
      },
    );
  }

  private finish(slot: Slot): void {
    slot.finished = true;
    if (this.slots.every((s) => s.finished)) {
      this.coordinator?.freeze();
      this.allFinished?.();
    }
  }

  /** Tells every worker to stop; one that does not end within the grace period is killed. */
  private stopAll(reason: LoopEnd): void {
    this.stopReason ??= reason;
    for (const s of this.slots) s.link?.send({ t: 'stop' });
    setTimeout(() => {
      for (const s of this.slots) s.link?.kill();
    }, STOP_GRACE_MS).unref();
  }

  /** Asks the run to end after the batches in flight. */
  stop(): void {
    this.stopAll('stopped');
  }

  /** Fuzzes until a finding (unless keepGoing), a limit or stop(); then releases everything. */
  async run(): Promise<ParallelSessionResult> {
    const { opts, events } = this;
    const c = new Coordinator(this.slots.length);
    this.coordinator = c;
    this.running = true;
    const done = new Promise<void>((resolve) => {
      this.allFinished = resolve;
    });
    if (this.slots.every((s) => s.finished)) this.allFinished?.();
    for (const s of this.slots) s.link?.send({ t: this.stopReason === undefined ? 'run' : 'stop' });
    const timer =
      opts.maxTotalTimeMs > 0
        ? setTimeout(() => this.stopAll('time'), opts.maxTotalTimeMs + 1000)
        : undefined;
    try {
      await done;
      await this.triage.drain();
      if (this.fatal !== undefined) throw this.fatal;
      const ended = this.slots.map((s) => s.end).filter((e) => e !== undefined);
      if (ended.length === 0 && this.stopReason === undefined) {
        throw new Error('every worker died; see the warnings above');
      }
      const end = this.endOf(ended);
      const stats = c.stats();
      events.status(end === 'finding' ? 'CRASH' : 'DONE', stats, this.triage.uniqueCount);
      this.triage.writeSarif();
      return {
        end,
        stats,
        uniqueFindings: this.triage.uniqueCount,
        firstFinding: this.first,
        hybrid: opts.mode === 'hybrid',
        stages: sumStageReports(this.slots.map((sl) => sl.stages)),
        summary: c.summary(),
      };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      await this.close();
    }
  }

  /** The run's end: the parent's reason if it stopped the workers, else what theirs say. */
  private endOf(ended: LoopEnd[]): LoopEnd {
    if (this.first !== undefined && !this.opts.keepGoing) return 'finding';
    if (this.stopReason !== undefined && this.stopReason !== 'finding') return this.stopReason;
    if (ended.includes('finding')) return 'finding';
    return ended.find((e) => e !== 'stopped') ?? 'stopped';
  }

  /** Stops every worker and releases the triage (a caller that gave up before run()). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.running = false;
    for (const s of this.slots) if (s.link === undefined) s.finished = true;
    if (!this.slots.every((s) => s.finished)) {
      const gone = new Promise<void>((resolve) => {
        this.allFinished = resolve;
      });
      this.stopAll(this.stopReason ?? 'stopped');
      await gone;
    }
    await this.triage.close();
  }
}

function startError(msg: Extract<FromWorker, { t: 'ready' | 'startError' }>): Error | undefined {
  if (msg.t === 'ready') return undefined;
  if (msg.kind === 'target') return new TargetError(msg.message);
  if (msg.kind === 'options') return new SessionOptionsError(msg.message);
  return new Error(msg.message);
}
