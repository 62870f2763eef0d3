// Writes new inputs into the corpus folder; a failed write (full disk) is a warning, not the end.
import { addToCorpus } from '../fuzz/artifacts';

/** At most one warning per this many ms: a full disk fails every write after the first. */
const WARN_EVERY_MS = 10_000;

/**
 * A corpus write that fails loses nothing of the run: the input stays in the in-memory corpus
 * and keeps being fuzzed; only a later run would not find it on disk, which the warning says.
 */
export class CorpusWriter {
  private failed = 0;
  private lastWarning = -Infinity;

  constructor(
    private readonly dir: string | undefined,
    private readonly warn: (message: string) => void,
  ) {}

  /** Writes `input` (once per content); false when it could not be written. */
  add(input: Buffer): boolean {
    if (this.dir === undefined) return true;
    try {
      addToCorpus(this.dir, input);
      return true;
    } catch (err) {
      this.failed++;
      const now = performance.now();
      if (now - this.lastWarning >= WARN_EVERY_MS) {
        this.lastWarning = now;
        this.warn(
          `cannot write new inputs to the corpus ${this.dir}: ${(err as Error).message}; ` +
            `${this.failed} kept in memory only (fuzzing goes on)`,
        );
      }
      return false;
    }
  }

  /** Inputs that could not be written so far. */
  get failures(): number {
    return this.failed;
  }
}
