// Bounded history of a session's status samples, for the dashboard's plots over time.
import type { StatusParams } from '../../protocol/messages';

/** One status notification as the plots need it. */
export interface StatsSample {
  /** Milliseconds since the session started (the engine's clock). */
  ms: number;
  execs: number;
  execsPerSec: number;
  cov: number;
  corpus: number;
  findings: number;
}

/**
 * Keeps at most `capacity` samples for a run of any length: when full, every other sample is
 * dropped, so the whole run stays visible at a coarser step instead of only its recent end. The
 * newest sample is always kept, since the plots end at the current numbers.
 */
export class StatsHistory {
  private samples: StatsSample[] = [];
  /** Only every `stride`-th sample is kept after a compaction, so spacing stays even. */
  private stride = 1;
  private skipped = 0;

  constructor(private readonly capacity = 2048) {
    if (capacity < 4) throw new Error(`StatsHistory capacity must be at least 4, got ${capacity}`);
  }

  add(status: StatusParams): void {
    const sample: StatsSample = {
      ms: status.elapsedMs,
      execs: status.execs,
      execsPerSec: status.execsPerSec,
      cov: status.cov,
      corpus: status.corpus,
      findings: status.uniqueFindings,
    };
    const last = this.samples.length - 1;
    // A sample between kept ones only replaces the provisional newest one.
    if (this.skipped > 0 && last >= 0) this.samples[last] = sample;
    else this.samples.push(sample);
    this.skipped = (this.skipped + 1) % this.stride;
    if (this.skipped === 0 && this.samples.length >= this.capacity) this.compact();
  }

  private compact(): void {
    // Counted from the end, so the newest sample survives.
    const last = this.samples.length - 1;
    this.samples = this.samples.filter((_, i) => (last - i) % 2 === 0);
    this.stride *= 2;
  }

  all(): readonly StatsSample[] {
    return this.samples;
  }

  latest(): StatsSample | undefined {
    return this.samples[this.samples.length - 1];
  }

  clear(): void {
    this.samples = [];
    this.stride = 1;
    this.skipped = 0;
  }
}
