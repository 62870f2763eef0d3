// The chain stage: input-to-state variants run one at a time, each followed by variants for the compares it reveals.
import { readCmpTable } from '../cmpTable';
import { pinnedVariants } from '../colorize';
import type { CorpusEntry } from '../corpusEntry';
import { runChain } from '../i2sChain';
import { inputToStateSites, latestFirst, worthVarying } from '../inputToState';
import { copyTables, runAlone } from '../runAlone';
import {
  EntryQueue,
  type Stage,
  type StageBudget,
  type StageContext,
  type StageOutcome,
} from '../stage';
import { derivedMeta, MadeHere } from './derive';
import { aloneContext } from './ownCompares';

/** The last compares whose place colorization looks for before the chain starts. */
const PINNED_PAIRS = 4;
/** Variants of an entry's last compares that start chains: a run alone each. */
const CHAIN_HEAD = 24;
/** Runs alone one entry's chains may take: its head variants and what they reveal. */
const CHAIN_BUDGET = 160;

/**
 * A record often takes several compares in a row: the input grown to hold its header, its
 * length made to fit, its tag, then a field the tag's reader checks. Each link alone adds no
 * edge, which is why a coverage-guided loop never keeps it; followed one run at a time
 * (limited discrepancy search, see runChain), together they reach the next record. Each link is
 * a run alone: cheap where every input is a fork anyway, dear in a persistent batch, and the
 * budget policy weighs that by what the chains found.
 */
export class ChainStage implements Stage {
  readonly name = 'chain';
  readonly floor = 0.01;
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
    const input = entry.input;
    const alone = aloneContext(ctx);
    // The chain compares each link's compares with its parent's: it needs the tables whole.
    const first = await runAlone(input, alone, copyTables);
    if (first.ended !== undefined || ctx.stopped()) return first.ended;
    const own = first.seen;
    const pairs = latestFirst(readCmpTable(own.cmp));
    const runs = { count: 0 };
    const pinned = await pinnedVariants(
      input,
      worthVarying(pairs, true),
      alone,
      runs,
      PINNED_PAIRS,
    );
    if (pinned.ended !== undefined || ctx.stopped()) return pinned.ended;
    const head = [...pinned.variants, ...inputToStateSites(input, pairs, CHAIN_HEAD, true)];
    if (head.length === 0) return undefined;
    const made = new MadeHere();
    for (const v of head) made.set(v.input, derivedMeta(input, entry.meta, v.site));
    const chainCtx = {
      ...alone,
      run: async (inputs: Buffer[]) => (await ctx.run(inputs, made.lookup)).ended,
      stopped: () => ctx.stopped(),
      corpusSize: () => ctx.entries().length,
      derived: (child: Buffer, parent: Buffer, site: Parameters<typeof derivedMeta>[2]) =>
        made.set(child, derivedMeta(parent, made.get(parent), site)),
    };
    const starts = head.map((v) => ({ input: v.input, at: v.site.at, size: v.site.size }));
    const limit = Math.max(0, Math.min(CHAIN_BUDGET, budget.runs) - runs.count);
    const chained = await runChain(starts, own, limit, chainCtx);
    if (chained.ended !== undefined || ctx.stopped()) return chained.ended;
    // Head variants the chains had no runs left for still run, as a batch.
    if (chained.unrun.length === 0) return undefined;
    return (await ctx.run(chained.unrun, made.lookup)).ended;
  }
}
