// The havoc stage: batches of the target's own mutants of scheduler-picked parents, at native speed.
import type { CorpusEntry } from '../corpusEntry';
import type { Stage, StageBudget, StageContext, StageOutcome } from '../stage';

/**
 * Parents of one in-target batch, picked by the scheduler (an entry it favours comes up more
 * than once): enough that a batch's mutants spread over the corpus as the scheduler wants.
 */
const BATCH_PARENTS = 32;
/** Largest batch: an in-target batch runs a million trivial inputs in a second. */
const MAX_BATCH = 1 << 20;
/** Largest batch of mutants made here and handed over one by one (test doubles). */
const MAX_HANDED_BATCH = 4096;

/**
 * libFuzzer's and AFL++'s main loop: mutants of the corpus, judged against the coverage map as
 * they run. With a persistent executor the child makes, runs and judges them itself and stops
 * at the first with new coverage; the batch size follows the budget's time.
 */
export class HavocStage implements Stage {
  readonly name = 'havoc';
  /** Every other stage works on what havoc finds; it keeps a fifth of the time at least. */
  readonly floor = 0.2;
  private batchSize = 16;

  constructor(private readonly now: () => number) {}

  ready(): boolean {
    return true;
  }

  next(ctx: StageContext): CorpusEntry {
    return ctx.pick();
  }

  async run(entry: CorpusEntry, budget: StageBudget, ctx: StageContext): Promise<StageOutcome> {
    const start = this.now();
    const native = ctx.runMutants !== undefined;
    const n = Math.max(
      1,
      Math.min(this.batchSize, budget.runs, native ? MAX_BATCH : MAX_HANDED_BATCH),
    );
    let out;
    if (ctx.runMutants !== undefined) {
      const parents = [entry];
      for (let i = 1; i < BATCH_PARENTS; i++) parents.push(ctx.pick());
      out = await ctx.runMutants(parents, n);
    } else {
      const batch: Buffer[] = [];
      for (let i = 0; i < n; i++)
        batch.push(...ctx.mutants(i === 0 ? entry.input : ctx.pick().input, 1));
      out = await ctx.run(batch);
    }
    this.adapt(this.now() - start, Math.max(1, out.execs), budget.ms, native);
    return out.ended;
  }

  /** Keeps a batch near the budget's time, so the policy and stop requests stay timely. */
  private adapt(ms: number, n: number, targetMs: number, native: boolean): void {
    const max = native ? MAX_BATCH : MAX_HANDED_BATCH;
    if (ms <= 0) {
      this.batchSize = Math.min(this.batchSize * 2, max);
      return;
    }
    const want = Math.round(targetMs / (ms / n));
    // A batch cut short by new coverage says little about speed: grow at most twofold a time.
    this.batchSize = Math.max(1, Math.min(max, want, this.batchSize * 2));
  }
}
