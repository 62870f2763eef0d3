// Live coverage changes, at most a few per second, never whole maps.
import type { CoverageCollector } from './collector';
import type { CoverageDelta } from './model';

export interface DeltaFeedOptions {
  /** Shortest time between two deltas. */
  minIntervalMs: number;
  /** Receives each delta. */
  write: (line: DeltaLine) => void;
  /** A refresh that failed; the feed goes on with the next tick. */
  onError: (err: unknown) => void;
  now?: () => number;
}

/** One line of the feed: elapsed milliseconds, then the delta. */
export interface DeltaLine extends CoverageDelta {
  ms: number;
}

/**
 * Ticks come from the fuzz loop as often as it likes; a tick inside the interval, or while the
 * previous refresh (which may be symbolizing) still runs, is dropped. Only changed lines and
 * functions go out, so the first delta is the whole instrumented map and later ones are small.
 */
export class DeltaFeed {
  private last = Number.NEGATIVE_INFINITY;
  private busy: Promise<void> | undefined;
  private readonly started: number;
  private readonly now: () => number;

  constructor(
    private readonly collector: CoverageCollector,
    private readonly opts: DeltaFeedOptions,
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
  }

  tick(): void {
    const t = this.now();
    if (this.busy !== undefined || t - this.last < this.opts.minIntervalMs) return;
    this.last = t;
    this.busy = this.emit()
      .catch((err: unknown) => this.opts.onError(err))
      .finally(() => {
        this.busy = undefined;
      });
  }

  /** Waits for a running refresh, then sends what changed since. */
  async flush(): Promise<void> {
    if (this.busy !== undefined) await this.busy;
    await this.emit();
  }

  private async emit(): Promise<void> {
    await this.collector.refresh();
    const delta = this.collector.model.delta();
    if (delta.files.length === 0) return;
    const line: DeltaLine = { ms: Math.round(this.now() - this.started), ...delta };
    this.opts.write(line);
  }
}
