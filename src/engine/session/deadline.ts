// -max_total_time and stop requests as hard limits: an input still running past them is stopped.
import type { LoopEnd } from '../fuzz/loop';

/**
 * How long past -max_total_time an input may still run. The loop checks the time between
 * batches, and a batch lasts a fraction of a second, so only an input far slower than the rest
 * (a hang under a long -timeout: libFuzzer's default is 1200 s) is still running by then.
 */
export const OVERRUN_GRACE_MS = 1000;
/** How often the watch looks again while the loop is busy with its own work (a finding's triage). */
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

/**
 * A loop's watches: each stops the executors if the loop still waits on an input a grace period
 * past its time; the loop's run then fails, and its owner ends it as the limit said (see fired).
 */
export class OverrunGuard {
  private readonly watches: DeadlineWatch[] = [];

  constructor(
    private readonly loop: { readonly inTarget: boolean },
    private readonly stopExecutors: () => Promise<void>,
    private readonly timeoutMs: number,
    private readonly warn: (message: string) => void,
  ) {}

  /** Watches from `ms` from now (`what` names the limit in the warning); 0 is at once. */
  after(ms: number, what: string): void {
    const seconds = this.timeoutMs / 1000;
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

  /** Whether a watch stopped the executors under the loop. */
  get fired(): boolean {
    return this.watches.some((w) => w.fired);
  }

  /**
   * The loop's run, watched until it ends: a run the watches cut short (the executors stopped
   * under an input that ran on) ended as its limit said, `stopped` or `time`, not by an error.
   */
  async run(loopRun: () => Promise<LoopEnd>, stopped: () => boolean): Promise<LoopEnd> {
    try {
      return await loopRun();
    } catch (err) {
      if (!this.fired) throw err;
      return stopped() ? 'stopped' : 'time';
    } finally {
      this.cancel();
    }
  }

  cancel(): void {
    for (const w of this.watches) w.cancel();
  }
}
