// -max_total_time and stop requests as hard limits: an input still running past them is stopped.
import type { LoopEnd } from '../fuzz/loop';

/**
 * How long past -max_total_time an input may still run. The loop checks the time between
 * batches, and a batch lasts a fraction of a second, so only an input far slower than the rest
 * (a hang under a long -timeout: libFuzzer's default is 1200 s) is still running by then.
 */
export const OVERRUN_GRACE_MS = 1000;
/** How often the watch looks again while the loop does its own work (a finding's triage). */
const RECHECK_MS = 250;

export interface DeadlineWatch {
  /** Whether the watch stopped an input: the run then ended at its time, not by an error. */
  readonly fired: boolean;
  cancel(): void;
}

/**
 * From `afterMs` on, the first time `busy()` says the target has an input, calls `overrun()`
 * (which stops the executors). Never while the loop does its own work: a finding being triaged
 * or written must not lose its executor.
 */
export function watchDeadline(
  afterMs: number,
  busy: () => boolean,
  overrun: () => void,
): DeadlineWatch {
  let fired = false;
  let timer: NodeJS.Timeout | undefined;
  const check = (): void => {
    if (!busy()) {
      timer = setTimeout(check, RECHECK_MS).unref();
      return;
    }
    fired = true;
    timer = undefined;
    overrun();
  };
  timer = setTimeout(check, afterMs).unref();
  return {
    get fired() {
      return fired;
    },
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** The limits a guard holds a run to: -timeout (for the warning) and -max_total_time (0: none). */
export interface RunLimits {
  timeoutMs: number;
  maxTotalTimeMs: number;
}

/**
 * A loop's watches, one from the start for -max_total_time and one from a stop request: each
 * stops the executors if the loop still waits on an input a grace period past its time. The
 * loop's run then fails, and run() ends it as the limit said.
 */
export class OverrunGuard {
  private readonly watches: DeadlineWatch[] = [];
  private stopped = false;

  constructor(
    private readonly loop: { readonly inTarget: boolean },
    private readonly stopExecutors: () => Promise<void>,
    private readonly limits: RunLimits,
    private readonly warn: (message: string) => void,
  ) {
    if (limits.maxTotalTimeMs > 0) this.after(limits.maxTotalTimeMs, '-max_total_time');
  }

  /** The owner was asked to stop: an input still running a grace period from now is stopped. */
  stopRequested(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.after(0, 'the stop request');
  }

  /** Watches from `ms` from now (`what` names the limit in the warning). */
  private after(ms: number, what: string): void {
    const seconds = this.limits.timeoutMs / 1000;
    const overrun = (): void => {
      this.warn(
        `an input was still running ${OVERRUN_GRACE_MS / 1000} s after ${what} and was stopped; ` +
          `it is no finding, as -timeout is ${seconds} s (a smaller -timeout reports such ` +
          `inputs as hangs)`,
      );
      this.stopExecutors().catch(() => undefined);
    };
    this.watches.push(watchDeadline(ms + OVERRUN_GRACE_MS, () => this.loop.inTarget, overrun));
  }

  /**
   * The loop's run, watched until it ends: a run the watches cut short (the executors stopped
   * under an input that ran on) ended as its limit said, `stopped` or `time`, not by an error.
   */
  async run(loopRun: () => Promise<LoopEnd>): Promise<LoopEnd> {
    try {
      return await loopRun();
    } catch (err) {
      if (!this.watches.some((w) => w.fired)) throw err;
      return this.stopped ? 'stopped' : 'time';
    } finally {
      for (const w of this.watches) w.cancel();
    }
  }
}
