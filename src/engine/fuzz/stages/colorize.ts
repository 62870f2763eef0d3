// The colorization stage: where an entry's last compares read a value it holds many times, which place.
import type { CorpusEntry } from '../corpusEntry';
import { pinnedVariants } from '../colorize';
import { worthVarying } from '../inputToState';
import {
  EntryQueue,
  type Stage,
  type StageBudget,
  type StageContext,
  type StageOutcome,
} from '../stage';
import { derivedMeta, MadeHere } from './derive';
import { aloneContext, ownCompares } from './ownCompares';

/** The last compares of an entry whose place is looked for when it is ambiguous. */
const PINNED_PAIRS = 4;

/**
 * RedQueen's colorization: a compared value that the entry holds at many places (a zero, a
 * repeated record) gives input-to-state a guess per place; colored runs (the other places
 * changed) find the one that was read, and the variants are written there alone.
 */
export class ColorizeStage implements Stage {
  readonly name = 'colorize';
  readonly floor = 0.02;
  private readonly queue = new EntryQueue();

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
    const { ended, compares } = await ownCompares(entry, ctx);
    if (ended !== undefined || ctx.stopped()) return ended;
    const pairs = worthVarying(compares.pairs, true);
    const runs = { count: 0 };
    const pinned = await pinnedVariants(entry.input, pairs, aloneContext(ctx), runs, PINNED_PAIRS);
    if (pinned.ended !== undefined || ctx.stopped()) return pinned.ended;
    const variants = pinned.variants.slice(0, Math.max(0, budget.runs - runs.count));
    if (variants.length === 0) return undefined;
    const made = new MadeHere();
    for (const v of variants) made.set(v.input, derivedMeta(entry.input, entry.meta, v.site));
    return (
      await ctx.run(
        variants.map((v) => v.input),
        made.lookup,
      )
    ).ended;
  }
}
