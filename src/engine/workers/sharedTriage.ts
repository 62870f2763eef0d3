// The parent's one triage for all workers: its own fresh-fork executor, findings deduplicated, live coverage.
import type { DeltaLine } from '../coverage/deltaFeed';
import { openLiveDeltas, type LiveDeltas } from '../coverage/liveDeltas';
import { startExecutor, type StartedExecutor } from '../exec/executor';
import type { BatchFinding, ExecResult, NativeExecutor } from '../native/types';
import {
  SessionOptionsError,
  triageOptions,
  type FuzzSessionOptions,
} from '../session/fuzzSession';
import { TriageSession } from '../triage/session';
import type { TriageOutcome } from '../triage/triager';
import type { FindingRecord } from '../fuzz/artifacts';

export interface SharedTriageEvents {
  warning(message: string): void;
  coverage?(delta: DeltaLine): void;
  lostFinding?(input: Buffer, record: FindingRecord, message: string): void;
}

/**
 * Every call that uses the executor runs in turn on one promise chain: triage re-runs a crash
 * several times and must not interleave with other inputs.
 */
export class SharedTriage {
  readonly session: TriageSession;
  private exec: Promise<StartedExecutor> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private feed: LiveDeltas | undefined;

  private constructor(
    private readonly opts: FuzzSessionOptions,
    private readonly maxInputSize: number,
    private readonly events: SharedTriageEvents,
  ) {
    const runner = {
      run: async (input: Buffer): Promise<ExecResult> => (await this.executor()).run(input),
      checkLeaks: async (input: Buffer): Promise<ExecResult> =>
        (await this.executor()).checkLeaks(input),
    };
    try {
      this.session = new TriageSession(runner, triageOptions(opts, events));
    } catch (err) {
      throw new SessionOptionsError((err as Error).message);
    }
  }

  /**
   * Opens the triage (findings on disk are loaded). With live coverage wanted, its executor starts
   * now and runs every new corpus input, so its map is the union of all workers' coverage.
   */
  static async open(
    opts: FuzzSessionOptions,
    maxInputSize: number,
    events: SharedTriageEvents,
  ): Promise<SharedTriage> {
    const t = new SharedTriage(opts, maxInputSize, events);
    const onDelta = events.coverage?.bind(events);
    if (opts.coverage && onDelta !== undefined) {
      try {
        const exec = await t.executor();
        t.feed = openLiveDeltas(exec, opts.target, opts.sourceRoots, onDelta, (m) =>
          events.warning(m),
        );
      } catch (err) {
        await t.close();
        throw err;
      }
    }
    return t;
  }

  /** Started at the first use: most runs find nothing, and an idle fork server still costs memory. */
  private async executor(): Promise<NativeExecutor> {
    const o = this.opts;
    this.exec ??= startExecutor({
      target: o.target,
      timeoutMs: o.timeoutMs,
      rssLimitMb: o.rssLimitMb,
      mallocLimitMb: o.mallocLimitMb ?? 0,
      handshakeTimeoutMs: o.startupTimeoutMs,
      maxInputSize: this.maxInputSize,
      persistent: 1,
      symbolize: false,
      cmp: false,
      // Leaks are verified under the check, which needs LeakSanitizer on from the start.
      detectLeaks: o.detectLeaks,
    });
    return (await this.exec).executor;
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  get uniqueCount(): number {
    return this.session.triager.uniqueCount;
  }

  /** The live coverage collector, when coverage was asked for. */
  get collector(): LiveDeltas['collector'] | undefined {
    return this.feed?.collector;
  }

  /** Triages one finding of any worker; the SARIF log is rewritten when the findings changed. */
  handle(input: Buffer, result: BatchFinding): Promise<TriageOutcome> {
    return this.inTurn(async () => {
      const outcome = await this.session.triager.handle(input, result);
      if (outcome.status === 'new' || outcome.smaller) this.session.writeSarif();
      return outcome;
    });
  }

  /** A new corpus input: with live coverage, it runs here too so the union map grows. */
  noteNewInput(input: Buffer): void {
    if (this.feed === undefined) return;
    void this.inTurn(async () => {
      const exec = await this.executor();
      await exec.run(input);
    }).then(
      () => this.feed?.tick(),
      (err: unknown) => this.events.warning(`coverage run failed: ${(err as Error).message}`),
    );
  }

  tick(): void {
    this.feed?.tick();
  }

  /** Waits for triage in progress. */
  async drain(): Promise<void> {
    await this.chain;
  }

  writeSarif(): void {
    this.session.writeSarif();
  }

  async close(): Promise<void> {
    await this.drain();
    await this.feed?.close();
    await this.session.close();
    if (this.exec !== undefined) {
      try {
        await (await this.exec).executor.stop();
      } catch {
        // It never started: the error was reported by the call that needed it.
      }
    }
  }
}
