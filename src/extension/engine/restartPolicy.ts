// When to restart a dead engine: exponential backoff, forgotten after a stable minute (pure).

export interface RestartPolicyOptions {
  firstDelayMs: number;
  maxDelayMs: number;
  /** An engine that ran this long without dying starts the backoff from the beginning. */
  stableMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = {
  firstDelayMs: 1000,
  maxDelayMs: 30_000,
  stableMs: 60_000,
};

/**
 * 1 s, 2 s, 4 s … up to 30 s between restarts. A crash loop (a broken install, a bad addon) then
 * costs little, and one crash after a long healthy run is restarted at once-ish again.
 */
export class RestartPolicy {
  private failures = 0;
  private startedAt: number | undefined;

  constructor(private readonly opts: RestartPolicyOptions = DEFAULT_RESTART_POLICY) {}

  /** The engine (re)started at `now`. */
  started(now: number): void {
    this.startedAt = now;
  }

  /** The engine died at `now`: how long to wait before starting it again. */
  nextDelay(now: number): number {
    if (this.startedAt !== undefined && now - this.startedAt >= this.opts.stableMs) {
      this.failures = 0;
    }
    this.startedAt = undefined;
    const delay = Math.min(this.opts.maxDelayMs, this.opts.firstDelayMs * 2 ** this.failures);
    this.failures++;
    return delay;
  }

  /** Restarts so far in the current run of failures. */
  get attempts(): number {
    return this.failures;
  }
}
