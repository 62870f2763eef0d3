// The input-to-state stage: each new entry's compared operands written where the input held them.
import type { CorpusEntry } from '../corpusEntry';
import { inputToStateSites } from '../inputToState';
import { memcmpVariants } from '../memcmpTable';
import {
  EntryQueue,
  type Stage,
  type StageBudget,
  type StageContext,
  type StageOutcome,
} from '../stage';
import { derivedMeta, MadeHere } from './derive';
import { ownCompares } from './ownCompares';

/** Input-to-state variants tried per corpus entry. */
const I2S_VARIANTS = 128;

/**
 * RedQueen's replacement, as AFL++'s CMPLOG does it once per queue entry: the entry runs alone,
 * and for each compare it made, the other operand is written where one operand's bytes sit in
 * the input (both byte orders, narrower widths, one either side), byte strings first; the
 * variants run as one batch. The latest compare, where the input stopped, gets the most sites.
 */
export class InputToStateStage implements Stage {
  readonly name = 'i2s';
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
    const limit = Math.min(I2S_VARIANTS, budget.runs);
    const input = entry.input;
    // Byte-string compares first: a magic string is what integer operands cannot express.
    const strings = memcmpVariants(input, compares.strings, Math.ceil(limit / 2));
    const sites = inputToStateSites(input, compares.pairs, limit - strings.length, true);
    const made = new MadeHere();
    for (const v of strings) made.set(v, derivedMeta(input, entry.meta, undefined));
    for (const v of sites) made.set(v.input, derivedMeta(input, entry.meta, v.site));
    const variants = [...strings, ...sites.map((v) => v.input)];
    if (variants.length === 0) return undefined;
    return (await ctx.run(variants, made.lookup)).ended;
  }
}
