// The records stage: the record a new entry added, repeated and spliced with other entries' records.
import type { CorpusEntry } from '../corpusEntry';
import type { I2sSite } from '../inputToState';
import {
  RECENT_ENTRIES,
  knownRecordRepeats,
  recordOf,
  repeatVariants,
  shiftedSites,
  splicedVariants,
  type Insertion,
  type RecordVariant,
} from '../repeatRecord';
import {
  EntryQueue,
  type Stage,
  type StageBudget,
  type StageContext,
  type StageOutcome,
} from '../stage';
import { MadeHere } from './derive';

/** Entries whose records are spliced with a new entry's (two variants each). */
const RECORD_POOL = 16;

/**
 * A frame, chunk or register write that reached new code often does more when there are more
 * of it, or when it follows another entry's: the entry's record (what it added to the input it
 * came from) is repeated 2-64 times, one hit-count bucket each, and spliced after the records of
 * the entries before it; records of those entries that it holds are repeated where they are.
 * Copies of a record that passed its checksum pass it again, so they need no fix-up.
 */
export class RecordsStage implements Stage {
  readonly name = 'records';
  readonly floor = 0.02;
  private readonly queue = new EntryQueue();
  /** The latest entries whose record is known. */
  private readonly pool: { input: Buffer; record: Insertion }[] = [];

  offer(entry: CorpusEntry): void {
    this.queue.push(entry);
  }

  ready(): boolean {
    return this.queue.has(this.name);
  }

  next(): CorpusEntry | undefined {
    return this.queue.take(this.name);
  }

  async run(entry: CorpusEntry, budget: StageBudget, ctx: StageContext): Promise<StageOutcome> {
    entry.done.add(this.name);
    const input = entry.input;
    const older = ctx
      .entries()
      .slice(-RECENT_ENTRIES - 1)
      .filter((e) => e !== entry)
      .map((e) => e.input);
    const record = recordOf(input, entry.meta.made, older);
    entry.meta.record = record;
    const fixes = entry.meta.fixes;
    const variants: RecordVariant[] = [];
    const made = new MadeHere();
    // A spliced variant is partly another entry's: it carries no fix sites.
    const add = (vs: readonly RecordVariant[], block: Insertion | undefined): void => {
      for (const v of vs) {
        variants.push(v);
        const moved = block !== undefined ? movedFixes(fixes, v.input, input, block) : [];
        made.set(v.input, { made: v.made, fixes: moved });
      }
    };
    if (record !== undefined) {
      add(repeatVariants(input, record, ctx.maxLen), record);
      add(splicedVariants(input, record, this.pool, ctx.maxLen), undefined);
    }
    for (const v of knownRecordRepeats(input, record, this.pool, ctx.maxLen)) add([v], v.block);
    if (record !== undefined) {
      this.pool.push({ input, record });
      if (this.pool.length > RECORD_POOL) this.pool.shift();
    }
    const batch = variants.slice(0, budget.runs).map((v) => v.input);
    return batch.length > 0 ? (await ctx.run(batch, made.lookup)).ended : undefined;
  }
}

/** Copies of `block` in `variant` of `input` move the fix sites behind it. */
function movedFixes(
  fixes: readonly I2sSite[],
  variant: Buffer,
  input: Buffer,
  block: Insertion,
): readonly I2sSite[] {
  if (fixes.length === 0) return fixes;
  const copies = (variant.length - input.length) / block.size;
  return shiftedSites(fixes, block, copies);
}
