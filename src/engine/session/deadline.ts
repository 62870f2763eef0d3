// -max_total_time as a hard limit: an input still running past it is stopped, so a run ends on time.

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
