// The fix-up stage: variants and mutants of entries past a checksum, with the checksum written anew.
import { fixesNear, firstChange } from '../checksumFix';
import { CMP_SLOT_BYTES, readSlot } from '../cmpTable';
import type { CorpusEntry, EntryMeta } from '../corpusEntry';
import { inputToStateSites, refixSite, type I2sSite } from '../inputToState';
import { memcmpVariants } from '../memcmpTable';
import {
  EntryQueue,
  type Stage,
  type StageBudget,
  type StageContext,
  type StageOutcome,
} from '../stage';
import { derivedMeta, inheritedMeta, MadeHere, MAX_FIXES } from './derive';
import { ownCompares } from './ownCompares';

/** Input-to-state variants of an entry past a checksum, each fixed up. */
const FIX_VARIANTS = 64;
/** Havoc mutants of such an entry fixed up with them: elsewhere every one breaks its checksum. */
const FIX_MUTANTS = 64;
/** Mutants of any entry fixed up at once, once a checksum is known (fixed-up havoc). */
const FIXED_HAVOC_BATCH = 256;
/** Cmp slots one batch can watch (the runtime's limit). */
const MAX_WATCHED = 8;
/** Places a recomputed value is tried at besides the remembered one (see fixesNear). */
const FIX_SEARCH = 4;

/**
 * RedQueen's checksum handling, from what input-to-state learned: a variant that copied a
 * computed value (`stored_crc != crc32(payload)`) into the input remembers where (a fix site).
 * Every later change to such an entry changes the computed value again, so its variants and
 * mutants run in one batch that watches the checksum compares, and each is written anew with
 * the value its own run computed, at the remembered place and at the stored value's places
 * nearest the change (in an input of like frames every trailer holds it), then run again.
 * Where a checksum is checked does not depend on the input: once one is known, mutants of any
 * entry are fixed up the same way.
 */
export class FixupsStage implements Stage {
  readonly name = 'fixups';
  readonly floor = 0.01;
  private readonly queue = new EntryQueue();
  /** The slots of the checksum compares fix sites wrote to, newest last. */
  private checksumSlots: number[] = [];

  offer(entry: CorpusEntry): void {
    if (entry.meta.fixes.length === 0) return;
    for (const site of entry.meta.fixes) {
      if (this.checksumSlots.includes(site.slot)) continue;
      this.checksumSlots = [...this.checksumSlots, site.slot].slice(-MAX_FIXES);
    }
    this.queue.push(entry);
  }

  ready(): boolean {
    return this.checksumSlots.length > 0;
  }

  /** An entry past a checksum not yet fixed up, else any entry for fixed-up havoc. */
  next(ctx: StageContext): CorpusEntry | undefined {
    return this.queue.take(this.name) ?? ctx.pick();
  }

  async run(entry: CorpusEntry, budget: StageBudget, ctx: StageContext): Promise<StageOutcome> {
    const own = entry.meta.fixes.length > 0 && !entry.done.has(this.name);
    entry.done.add(this.name);
    const made = new MadeHere();
    const inherit = (m: Buffer): void => made.set(m, inheritedMeta(entry.input, entry.meta));
    if (!own) {
      const mutants = ctx.mutants(entry.input, Math.min(FIXED_HAVOC_BATCH, budget.runs));
      for (const m of mutants) inherit(m);
      return this.runWithFixes(entry.input, mutants, entry.meta.fixes, made, ctx);
    }
    const { ended, compares } = await ownCompares(entry, ctx);
    if (ended !== undefined || ctx.stopped()) return ended;
    const limit = Math.min(FIX_VARIANTS, budget.runs);
    const strings = memcmpVariants(entry.input, compares.strings, Math.ceil(limit / 2));
    const sites = inputToStateSites(entry.input, compares.pairs, limit - strings.length, true);
    for (const v of strings) made.set(v, derivedMeta(entry.input, entry.meta, undefined));
    for (const v of sites) made.set(v.input, derivedMeta(entry.input, entry.meta, v.site));
    const mutants = ctx.mutants(entry.input, FIX_MUTANTS);
    for (const m of mutants) inherit(m);
    const variants = [...strings, ...sites.map((v) => v.input), ...mutants];
    return this.runWithFixes(entry.input, variants, entry.meta.fixes, made, ctx);
  }

  /**
   * Runs the variants in one batch that watches the fix sites' slots, so each variant's own
   * compare is known, then the fixed-up ones together.
   */
  private async runWithFixes(
    parent: Buffer,
    variants: Buffer[],
    sites: readonly I2sSite[],
    made: MadeHere,
    ctx: StageContext,
  ): Promise<StageOutcome> {
    const slots = [...new Set([...sites.map((s) => s.slot), ...this.checksumSlots])].slice(
      0,
      MAX_WATCHED,
    );
    const { ended, watched } = await ctx.runWatched(variants, slots, made.lookup);
    if (ended !== undefined || watched === undefined || ctx.stopped()) return ended;
    const row = slots.length * CMP_SLOT_BYTES;
    const fixed: Buffer[] = [];
    const seen = new Set<string>();
    for (const [i, v] of variants.entries()) {
      if ((i + 1) * row > watched.length) break;
      const meta: Partial<EntryMeta> | undefined = made.get(v);
      const mySites = meta?.fixes ?? sites;
      let w = v;
      const elsewhere: Buffer[] = [];
      const changedAt = firstChange(v, parent);
      for (const [k, slot] of slots.entries()) {
        // The slot as this variant left it, as a table of one slot.
        const at = i * row + k * CMP_SLOT_BYTES;
        const slotOf = watched.subarray(at, at + CMP_SLOT_BYTES);
        const pair = readSlot(slotOf, 0);
        // Empty: the compare was not reached, or it held already.
        if (pair === undefined) continue;
        for (const s of mySites)
          if (s.slot === slot) w = refixSite(w, { ...s, slot: 0 }, slotOf) ?? w;
        // The same check on a later record (the next frame's CRC) sits somewhere else.
        elsewhere.push(...fixesNear(v, changedAt, pair, FIX_SEARCH));
      }
      for (const x of [w, ...elsewhere]) {
        const key = x.toString('latin1');
        if (x === v || seen.has(key)) continue;
        seen.add(key);
        if (meta !== undefined) made.set(x, meta);
        fixed.push(x);
      }
    }
    if (fixed.length === 0) return undefined;
    return (await ctx.run(fixed, made.lookup)).ended;
  }
}
