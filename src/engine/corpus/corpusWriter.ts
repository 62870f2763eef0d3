// Writes new inputs into the corpus folder; a failed write (full disk) is a warning, not the end.
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { sha1, writeNewToCorpus } from '../fuzz/artifacts';

/** At most one warning per this many ms: a full disk fails every write after the first. */
const WARN_EVERY_MS = 10_000;

/**
 * A corpus write that fails loses nothing of the run: the input stays in the in-memory corpus
 * and keeps being fuzzed; only a later run would not find it on disk, which the warning says.
 */
export class CorpusWriter {
  private failed = 0;
  private lastWarning = -Infinity;
  /** Names of the files this run created: only those may a reduction remove (as libFuzzer). */
  private readonly created = new Set<string>();

  constructor(
    private readonly dir: string | undefined,
    private readonly warn: (message: string) => void,
  ) {}

  /** Writes `input` (once per content); false when it could not be written. */
  add(input: Buffer): boolean {
    if (this.dir === undefined) return true;
    const name = sha1(input);
    try {
      if (writeNewToCorpus(join(this.dir, name), input)) this.created.add(name);
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

  /**
   * A shorter input took `replaced`'s place (REDUCE): `input` is written first, then
   * `replaced`'s file is removed if this run wrote it, so the folder does not collect every
   * longer version of an entry. Files that were there before the run (seeds, a user's corpus)
   * stay, and nothing is removed unless the shorter input is safely on disk.
   */
  replace(input: Buffer, replaced: Buffer): boolean {
    if (!this.add(input) || this.dir === undefined) return false;
    // `replaced` is longer than `input`, so never the file just written.
    const name = sha1(replaced);
    if (!this.created.delete(name)) return true;
    try {
      unlinkSync(join(this.dir, name));
    } catch (err) {
      // Gone already (a user's clean-up) is fine; any other failure only leaves a spare file.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.warn(`cannot remove a reduced input from the corpus: ${(err as Error).message}`);
      }
    }
    return true;
  }

  /** Inputs that could not be written so far. */
  get failures(): number {
    return this.failed;
  }
}
