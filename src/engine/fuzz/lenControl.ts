// libFuzzer's -len_control: mutants start short and may grow longer only while coverage stalls.

/** Runs without new coverage, per log2 of the limit, before the limit grows (libFuzzer: 100). */
const RUNS_PER_STEP = 100;
/**
 * The smallest limit (libFuzzer's is 4): harnesses often return early below a few bytes
 * (`if (size < 8) return 0;`), and no input shorter than that tells anything.
 */
const MIN_LIMIT = 8;

function log2(x: number): number {
  return Math.max(1, Math.floor(Math.log2(Math.max(1, x))));
}

/**
 * Short inputs are cheap to run and put each mutation on a byte that matters with better odds;
 * a long input grows only once short ones stopped finding anything. A parent longer than the
 * limit (a seed) keeps its length.
 */
export class LengthControl {
  private limitNow: number;
  private lastProgress = 0;

  constructor(
    private readonly maxLen: number,
    longestSeed: number,
  ) {
    this.limitNow = Math.min(maxLen, Math.max(MIN_LIMIT, longestSeed));
  }

  get limit(): number {
    return this.limitNow;
  }

  /** The length a mutant of `parent` may reach. */
  limitFor(parent: Buffer): number {
    return Math.min(this.maxLen, Math.max(parent.length, this.limitNow));
  }

  /** New coverage at execution `execs`: the limit holds for a while longer. */
  progress(execs: number): void {
    this.lastProgress = execs;
  }

  /** After a batch: raises the limit by log2 steps for each stretch of runs without progress. */
  update(execs: number): void {
    while (
      this.limitNow < this.maxLen &&
      execs - this.lastProgress > RUNS_PER_STEP * log2(this.limitNow)
    ) {
      this.lastProgress += RUNS_PER_STEP * log2(this.limitNow);
      this.limitNow = Math.min(this.maxLen, this.limitNow + log2(this.limitNow));
    }
  }
}
