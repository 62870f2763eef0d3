// The probe stage: input-to-state for a fresh havoc mutant rather than for a corpus entry.
import type { CorpusEntry } from '../corpusEntry';
import { inputToStateSites } from '../inputToState';
import { memcmpVariants } from '../memcmpTable';
import { runAlone } from '../runAlone';
import type { Stage, StageBudget, StageContext, StageOutcome } from '../stage';
import { derivedMeta, inheritedMeta, MadeHere } from './derive';
import { aloneContext, comparesOf } from './ownCompares';

/** Input-to-state variants of one probed mutant. */
const PROBE_VARIANTS = 64;

/**
 * A mutant is longer or differently shaped than the entries (whose compares were tried when
 * they came), so its compares may read operands the entries do not hold at all, such as a field
 * read past their end: corpus entries stop coming when a check needs two operands right at
 * once, and their own variants are spent. The mutant runs alone; its compares give variants.
 */
export class ProbeStage implements Stage {
  readonly name = 'probe';
  readonly floor = 0.01;

  ready(): boolean {
    return true;
  }

  next(ctx: StageContext): CorpusEntry {
    return ctx.pick();
  }

  async run(entry: CorpusEntry, budget: StageBudget, ctx: StageContext): Promise<StageOutcome> {
    const [mutant] = ctx.mutants(entry.input, 1);
    if (mutant === undefined) return undefined;
    const made = new MadeHere();
    // A mutant of an entry past a checksum is fixed up like that entry's own mutants.
    const meta = inheritedMeta(entry.input, entry.meta);
    made.set(mutant, meta);
    const alone = aloneContext(ctx);
    // The mutant itself may be kept: it carries what it inherited.
    const kept = {
      ...alone,
      run: async (inputs: Buffer[]) => (await ctx.run(inputs, made.lookup)).ended,
    };
    const { ended, seen } = await runAlone(mutant, kept, comparesOf);
    if (ended !== undefined || ctx.stopped()) return ended;
    const limit = Math.min(PROBE_VARIANTS, budget.runs);
    const strings = memcmpVariants(mutant, seen.strings, Math.ceil(limit / 2));
    const sites = inputToStateSites(mutant, seen.pairs, limit - strings.length, true);
    for (const v of strings) made.set(v, derivedMeta(mutant, meta, undefined));
    for (const v of sites) made.set(v.input, derivedMeta(mutant, meta, v.site));
    const variants = [...strings, ...sites.map((v) => v.input)];
    if (variants.length === 0) return undefined;
    return (await ctx.run(variants, made.lookup)).ended;
  }
}
