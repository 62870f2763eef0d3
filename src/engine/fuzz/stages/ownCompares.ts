// An entry's own compares: one run alone with cleared operand tables, kept on the entry.
import { readCmpTable } from '../cmpTable';
import type { CorpusEntry, OwnCompares } from '../corpusEntry';
import { latestFirst } from '../inputToState';
import type { LoopEnd } from '../loop';
import { readMemcmpTable } from '../memcmpTable';
import { runAlone, type AloneContext, type RunTables } from '../runAlone';
import type { StageContext } from '../stage';

/** The run-alone view of a stage's context: a batch run reports only how it ended. */
export function aloneContext(ctx: StageContext): AloneContext {
  return {
    run: async (inputs) => (await ctx.run(inputs)).ended,
    table: () => ctx.table(),
    memcmpTable: ctx.memcmpTable,
    recordEqual: ctx.recordEqual,
  };
}

/** The pairs and strings of one run's own tables, latest compare first. */
export function comparesOf(own: RunTables): OwnCompares {
  return {
    pairs: latestFirst(readCmpTable(own.cmp)),
    strings: own.memcmp !== undefined ? readMemcmpTable(own.memcmp) : [],
  };
}

/**
 * The compares `entry` makes, from its metadata or from a run alone (kept there for the next
 * stage that asks: i2s, colorization and fix-ups all start from them).
 */
export async function ownCompares(
  entry: CorpusEntry,
  ctx: StageContext,
): Promise<{ ended: LoopEnd | undefined; compares: OwnCompares }> {
  const known = entry.meta.compares;
  if (known !== undefined) return { ended: undefined, compares: known };
  const { ended, seen } = await runAlone(entry.input, aloneContext(ctx), comparesOf);
  entry.meta.compares = seen;
  return { ended, compares: seen };
}
