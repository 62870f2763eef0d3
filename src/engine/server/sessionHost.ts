// The one fuzzing session the engine server runs: start, stop, its events as notifications.
import { STAGE_NAMES } from '../fuzz/stage';
import type { NotificationType } from 'vscode-languageserver-protocol';
import {
  CoverageNotification,
  FindingNotification,
  LogNotification,
  SessionEndedNotification,
  StatusNotification,
  type CoverageSnapshotParams,
  type CoverageSnapshotResult,
  type FileLines,
  type LogParams,
  type SessionEndedParams,
  type StartParams,
  type StartResult,
  type StatusParams,
  type StopResult,
} from '../../protocol/messages';
import type { CoverageCollector } from '../coverage/collector';
import { stateOf } from '../coverage/model';
import type { LoopStats } from '../fuzz/loop';
import type { StatusTag } from '../session/fuzzSession';
import { resolveWorkerCount } from '../workers/plan';
import { startFuzzRun, type FuzzRun } from '../workers/startRun';
import { StatusThrottle } from './statusThrottle';

/** The part of the connection a session needs; tests pass a recorder. */
export interface Notifier {
  sendNotification<P>(type: NotificationType<P>, params: P): Promise<void>;
}

/** A request the client got wrong (a second start, a bad target): its message is for the user. */
export class SessionRequestError extends Error {
  override readonly name = 'SessionRequestError';
}

/** Routine status at most this often; the status bar needs no more. */
const STATUS_INTERVAL_MS = 250;
/** A pulse with fresh numbers when nothing else was sent for this long. */
const PULSE_MS = 1000;
/** libFuzzer's -report_slow_units default: a slower input is written out as slow-unit-<sha1>. */
const SLOW_UNIT_MS = 10_000;

interface Running {
  id: number;
  session: FuzzRun;
  done: Promise<void>;
  artifactPrefix: string;
}

export class SessionHost {
  private running: Running | undefined;
  private nextId = 1;
  /** The newest session's coverage, kept after it ends so a restarted client can catch up. */
  private coverage: CoverageCollector | undefined;

  constructor(
    private readonly client: Notifier,
    private readonly engineDefaults: { startupTimeoutMs: number; verifyRuns: number },
    /** Starts the fuzzing; tests pass a fake run. */
    private readonly startRun: typeof startFuzzRun = startFuzzRun,
  ) {}

  private notify<P>(type: NotificationType<P>, params: P): void {
    // A failed write means the client is gone; the connection's close handler ends the process.
    this.client.sendNotification(type, params).catch(() => undefined);
  }

  log(level: LogParams['level'], message: string): void {
    this.notify(LogNotification, { level, message });
  }

  async start(params: StartParams): Promise<StartResult> {
    if (this.running !== undefined) {
      throw new SessionRequestError(
        `a fuzzing session (${this.running.id}) is already running: stop it first`,
      );
    }
    const id = this.nextId++;
    const { target, options } = params;
    const throttle = new StatusThrottle(STATUS_INTERVAL_MS);
    const sendStatus = (tag: StatusTag, s: LoopStats, unique: number): void => {
      const status: StatusParams = { sessionId: id, tag, uniqueFindings: unique, ...s };
      const now = performance.now();
      const out = throttle.offer(status, now);
      if (out !== undefined) this.notify(StatusNotification, out);
    };
    let unique = 0;
    const session = await this.startRun(
      {
        workers: resolveWorkerCount(options.workers, { maxRuns: 0, seed: 0 }),
        target: target.binary,
        corpusDirs: [target.corpusDir, ...(target.seedDirs ?? [])],
        maxLen: options.maxLen,
        seed: 0,
        timeoutMs: options.timeoutMs,
        rssLimitMb: options.rssLimitMb,
        startupTimeoutMs: this.engineDefaults.startupTimeoutMs,
        dictPath: target.dictionary ?? '',
        useCmp: options.useCmp,
        stages: new Set(STAGE_NAMES),
        mode: options.mode,
        persistent: options.persistent,
        artifactPrefix: target.artifactPrefix,
        verifyRuns: this.engineDefaults.verifyRuns,
        triageSkip: '',
        sarifPath: '',
        // The IDE collects every unique finding; stopping at the first is a CI habit.
        keepGoing: true,
        detectLeaks: true,
        slowUnitMs: SLOW_UNIT_MS,
        maxTotalTimeMs: options.maxTotalTimeSec * 1000,
        maxRuns: 0,
        sourceRoots: target.sourceRoots,
        coverage: true,
      },
      {
        info: (m) => this.log('info', m),
        warning: (m) => this.log('warning', m),
        status: (tag, s, u) => {
          unique = u;
          sendStatus(tag, s, u);
        },
        newFinding: (_f, outcome) =>
          this.notify(FindingNotification, { sessionId: id, record: outcome.record, isNew: true }),
        smallerFinding: (outcome) =>
          this.notify(FindingNotification, { sessionId: id, record: outcome.record, isNew: false }),
        notReproduced: () => undefined,
        coverage: (delta) => this.notify(CoverageNotification, { sessionId: id, delta }),
      },
    );
    this.coverage = session.coverage;
    const timer = setInterval(() => {
      const now = performance.now();
      const held = throttle.due(now);
      if (held !== undefined) this.notify(StatusNotification, held);
      else if (throttle.quietFor(PULSE_MS, now)) {
        const s = session.liveStats;
        if (s !== undefined) sendStatus('pulse', s, unique);
      }
    }, STATUS_INTERVAL_MS);
    const done = session
      .run()
      .then(
        (r): SessionEndedParams => ({ sessionId: id, end: r.end }),
        (err: unknown): SessionEndedParams => {
          const message = err instanceof Error ? err.message : String(err);
          this.log('error', `fuzzing session ${id} failed: ${message}`);
          return { sessionId: id, end: 'error', error: message };
        },
      )
      .then((ended) => {
        clearInterval(timer);
        this.running = undefined;
        this.notify(SessionEndedNotification, ended);
      });
    this.running = { id, session, done, artifactPrefix: target.artifactPrefix };
    return { sessionId: id, knownFindings: session.findings.size };
  }

  /** The findings store the running session writes to, if one runs (another writer must wait). */
  get runningArtifactPrefix(): string | undefined {
    return this.running?.artifactPrefix;
  }

  /** Stops the running session and waits until it has released its target. */
  async stop(): Promise<StopResult> {
    const r = this.running;
    if (r === undefined) return { stopped: false };
    r.session.stop();
    await r.done;
    return { stopped: true };
  }

  /** The newest session's line states, whole files, for a client that (re)joins. */
  snapshot(params: CoverageSnapshotParams): CoverageSnapshotResult {
    const model = this.coverage?.model;
    if (model === undefined) return { files: [], totals: undefined };
    const wanted = params.files !== undefined ? new Set(params.files) : undefined;
    const files: FileLines[] = [];
    for (const f of model.snapshot()) {
      if (wanted !== undefined && !wanted.has(f.file)) continue;
      files.push({
        file: f.file,
        lines: f.lines.map((l) => ({ line: l.line, state: stateOf(l) })),
        linesTotal: f.lines.length,
        linesHit: f.lines.filter((l) => l.hit > 0).length,
        functionsTotal: f.functions.length,
        functionsHit: f.functions.filter((fn) => fn.hit > 0).length,
      });
    }
    return { files, totals: model.totals() };
  }

  /** Ends a running session before the process exits. */
  async dispose(): Promise<void> {
    await this.stop();
  }
}
