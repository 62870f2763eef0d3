// The input-to-state stage of a new corpus entry, with checksum fix-ups for entries that need them.
import { fixesNear, firstChange } from './checksumFix';
import { CMP_SLOT_BYTES, readCmpTable, readSlot } from './cmpTable';
import { pinnedVariants } from './colorize';
import { runChain, type ChainContext } from './i2sChain';
import {
  inputToStateSites,
  latestFirst,
  pairsAfterRun,
  worthVarying,
  refixSite,
  type I2sSite,
} from './inputToState';
import type { LoopEnd } from './loop';
import { memcmpVariants, readMemcmpTable } from './memcmpTable';
import {
  RECENT_ENTRIES,
  knownRecordRepeats,
  recordOf,
  repeatVariants,
  shiftedSites,
  span,
  splicedVariants,
  type Insertion,
  type Provenance,
  type RecordVariant,
} from './repeatRecord';
import { copyTables, runAlone } from './runAlone';

/** The last compares of an entry whose place is looked for (colorize.ts) when it is ambiguous. */
const PINNED_PAIRS = 4;
/**
 * Variants of an entry's last compares that start chains (see runChain); a round trip each, so
 * the entry's other variants run in one batch.
 */
const CHAIN_HEAD = 24;
/** Input-to-state variants tried per corpus entry. */
const I2S_VARIANTS = 128;
/**
 * Variants of an entry that carries fix sites run one at a time (each run's operands are needed
 * to fix it), so fewer of them are tried.
 */
const FIX_VARIANTS = 64;
/** Fix sites one input carries: nested checksums are rare deeper than this. */
const MAX_FIXES = 4;
/**
 * Havoc mutants of an entry with fix sites that are run with fix-ups too: elsewhere every
 * mutation of such an entry breaks its checksum, so havoc alone gets nowhere past it.
 */
const FIX_MUTANTS = 64;
/** Entries whose records are spliced with a new entry's (two variants each). */
const RECORD_POOL = 16;
/** Cmp slots one batch can watch (the runtime's limit). */
const MAX_WATCHED = 8;
/** Places a recomputed value is tried at besides the remembered one (see fixesNear). */
const FIX_SEARCH = 4;

/**
 * What the stage needs of the loop: a chain's context (runs, the live operand tables, stop and
 * corpus size), and more.
 */
export interface I2sContext extends ChainContext {
  /** At most this many of n runs are left. */
  budget(n: number): number;
  /** Havoc mutants of an input, as the loop's batches make them. */
  mutants(input: Buffer, n: number): Buffer[];
  /**
   * Runs the variants may take in all, chains included (see runChain), when they run one at a
   * time; undefined runs them as one batch.
   */
  chainBudget: number | undefined;
  /** The inputs of the newest `n` corpus entries, oldest first (the entry studied is among them). */
  recentEntries(n: number): readonly Buffer[];
  /** Longest input the loop runs. */
  maxLen: number;
  /**
   * Runs `inputs` as one batch and returns, for each input that ran, the cmp slots `slots` as it
   * left them (BatchResult.watched); undefined when the executor cannot watch slots.
   */
  runWatched(
    inputs: Buffer[],
    slots: number[],
  ): Promise<{ ended: LoopEnd | undefined; watched: Buffer | undefined }>;
}

/**
 * RedQueen-style replacement, and what it needs to pass checksums: a variant that copied a
 * computed value (a compare without a constant, such as `stored_crc != crc32(payload)`) into the
 * input remembers where. When such a variant becomes a corpus entry, every later change to it
 * changes the computed value again; so its own variants run one at a time and each is fixed at
 * the remembered sites from the operands of its own run before it runs again.
 */
export class InputToStateStage {
  private readonly fixes = new WeakMap<Buffer, readonly I2sSite[]>();
  /** How a variant, chain link or mutant was made from a corpus entry (see repeatVariants). */
  private readonly made = new WeakMap<Buffer, Provenance>();
  /**
   * The slots of the checksum compares that fix sites of corpus entries wrote to, newest last:
   * where a checksum is checked does not depend on the input, so any input's mutants can be
   * fixed up for it, at the places fixesNear finds.
   */
  private checksumSlots: number[] = [];
  /** The latest entries whose record is known, for splicedVariants. */
  private readonly records: { input: Buffer; record: Insertion }[] = [];

  /** The fix sites an input carries (tests, diagnostics). */
  fixSites(input: Buffer): readonly I2sSite[] {
    return this.fixes.get(input) ?? [];
  }

  /** Whether a corpus entry passed a checksum with a fix-up (see fixedHavoc). */
  knowsChecksums(): boolean {
    return this.checksumSlots.length > 0;
  }

  /** `child`, a mutant of `parent`, carries the parent's fix sites. */
  inherit(child: Buffer, parent: Buffer): void {
    this.made.set(child, { origin: parent, wrote: undefined });
    const sites = this.fixes.get(parent);
    if (sites !== undefined) this.fixes.set(child, sites);
  }

  /**
   * Tries the variants of `input`, whose run alone just left its operands in the tables;
   * `before` is the integer table as it was before that run.
   */
  async run(input: Buffer, before: Buffer, ctx: I2sContext): Promise<LoopEnd | undefined> {
    const inherited = this.fixes.get(input) ?? [];
    for (const site of inherited) {
      if (this.checksumSlots.includes(site.slot)) continue;
      this.checksumSlots = [...this.checksumSlots, site.slot].slice(-MAX_FIXES);
    }
    const repeatEnd = await this.runRepeats(input, inherited, ctx);
    if (repeatEnd !== undefined || ctx.stopped()) return repeatEnd;
    const chain = ctx.chainBudget !== undefined;
    // A chain needs the entry's own compares, and only them: it runs the entry alone once more.
    const alone = chain ? await runAlone(input, ctx, copyTables) : undefined;
    if (alone?.ended !== undefined) return alone.ended;
    const own = alone?.seen;
    const pairs =
      own !== undefined ? latestFirst(readCmpTable(own.cmp)) : pairsAfterRun(before, ctx.table());
    const memTable = own !== undefined ? own.memcmp : ctx.memcmpTable?.();
    const limit = ctx.budget(inherited.length > 0 ? FIX_VARIANTS : I2S_VARIANTS);
    // Byte-string compares first: a magic string is what integer operands cannot express.
    const strings =
      memTable !== undefined
        ? memcmpVariants(input, readMemcmpTable(memTable), Math.ceil(limit / 2))
        : [];
    // Where the last compares read a value the input holds many times, their place first.
    const pinned =
      own !== undefined
        ? await pinnedVariants(input, worthVarying(pairs, true), ctx, { count: 0 }, PINNED_PAIRS)
        : undefined;
    if (pinned?.ended !== undefined) return pinned.ended;
    const i2s = inputToStateSites(input, pairs, limit - strings.length, own !== undefined);
    // With chains, the variants for the last compares run alone and chain; the rest in a batch.
    const head =
      own !== undefined ? [...(pinned?.variants ?? []), ...i2s.splice(0, CHAIN_HEAD)] : [];
    const variants = [...head, ...strings.map((v) => ({ input: v, site: undefined })), ...i2s];
    if (variants.length === 0 || ctx.stopped()) return undefined;
    for (const v of variants) this.derive(v.input, input, v.site);
    let rest = variants;
    if (own !== undefined && ctx.chainBudget !== undefined) {
      const first = head.map((v) => ({ input: v.input, at: v.site.at, size: v.site.size }));
      const chainCtx = {
        ...ctx,
        derived: (child: Buffer, parent: Buffer, site: I2sSite | undefined) =>
          this.derive(child, parent, site),
      };
      const chained = await runChain(first, own, ctx.budget(ctx.chainBudget), chainCtx);
      if (chained.ended !== undefined || ctx.stopped()) return chained.ended;
      const unrun = new Set(chained.unrun);
      rest = [...head.filter((v) => unrun.has(v.input)), ...variants.slice(head.length)];
    }
    if (inherited.length === 0) return ctx.run(rest.map((v) => v.input));
    const mutants = ctx.mutants(input, ctx.budget(FIX_MUTANTS));
    for (const m of mutants) this.inherit(m, input);
    return this.runWithFixes(input, [...rest.map((v) => v.input), ...mutants], inherited, ctx);
  }

  /**
   * `n` havoc mutants of corpus entry `parent`, run with fix-ups for the checksums known so far
   * (see runWithFixes). A new entry's own mutants run so once, but an entry past a checksum is
   * often one rare change away from the bug (the length of the one record that would overrun),
   * and an entry that no fix-up made (a seed, a repeat) has no mutants fixed otherwise.
   */
  async fixedHavoc(parent: Buffer, n: number, ctx: I2sContext): Promise<LoopEnd | undefined> {
    const sites = this.fixes.get(parent) ?? [];
    const mutants = ctx.mutants(parent, ctx.budget(n));
    for (const m of mutants) this.inherit(m, parent);
    return this.runWithFixes(parent, mutants, sites, ctx);
  }

  /**
   * `child` was made from `parent` by writing `site`: it carries the parent's fix sites, and the
   * site itself when it holds a computed value (a checksum). Its provenance is the parent's with
   * the bytes the site wrote added, over generations of entries: a frame's sync byte, length and
   * checksum are each found by a run of their own, each kept as an entry, and the frame is what
   * they wrote together. A parent of unknown provenance is where the child came from.
   */
  private derive(child: Buffer, parent: Buffer, site: I2sSite | undefined): void {
    const up = this.made.get(parent);
    const wrote =
      site !== undefined && site.size > 0 ? { at: site.at, size: site.size } : undefined;
    this.made.set(child, { origin: up?.origin ?? parent, wrote: span(up?.wrote, wrote) });
    const inherited = this.fixes.get(parent) ?? [];
    const mine = site !== undefined && isComputed(site) ? [site] : [];
    const sites = [...inherited.filter((s) => mine[0]?.slot !== s.slot), ...mine];
    if (sites.length > 0) this.fixes.set(child, sites.slice(-MAX_FIXES));
  }

  /**
   * The entry with the block it added to an older one repeated (see repeatRecord), and with the
   * records of other entries it holds repeated, in one batch: a copy of a record that passed its
   * checksum passes it again, so they need no fix-up.
   */
  private async runRepeats(
    input: Buffer,
    inherited: readonly I2sSite[],
    ctx: I2sContext,
  ): Promise<LoopEnd | undefined> {
    const record = recordOf(input, this.made.get(input), ctx.recentEntries(RECENT_ENTRIES));
    const variants: RecordVariant[] = [];
    if (record !== undefined) {
      const own = repeatVariants(input, record, ctx.maxLen);
      this.moveFixes(own, inherited, input, record);
      variants.push(...own, ...splicedVariants(input, record, this.records, ctx.maxLen));
    }
    for (const v of knownRecordRepeats(input, record, this.records, ctx.maxLen)) {
      this.moveFixes([v], inherited, input, v.block);
      variants.push(v);
    }
    if (record !== undefined) {
      this.records.push({ input, record });
      if (this.records.length > RECORD_POOL) this.records.shift();
    }
    for (const v of variants) this.made.set(v.input, v.made);
    return variants.length > 0 ? ctx.run(variants.map((v) => v.input)) : undefined;
  }

  /** Copies of `block` in `variants` of `input` move the fix sites behind it. */
  private moveFixes(
    variants: readonly RecordVariant[],
    inherited: readonly I2sSite[],
    input: Buffer,
    block: Insertion,
  ): void {
    if (inherited.length === 0) return;
    for (const v of variants) {
      const copies = (v.input.length - input.length) / block.size;
      this.fixes.set(v.input, shiftedSites(inherited, block, copies));
    }
  }

  /**
   * Runs the variants in one batch that watches the fix sites' slots, so each variant's own
   * compare is known, then the fixed-up ones together. (They used to run one at a time, a round
   * trip each: on the mmio bench target that took half the time before the crash.)
   */
  private async runWithFixes(
    parent: Buffer,
    variants: Buffer[],
    sites: readonly I2sSite[],
    ctx: I2sContext,
  ): Promise<LoopEnd | undefined> {
    const slots = [...new Set([...sites.map((s) => s.slot), ...this.checksumSlots])].slice(
      0,
      MAX_WATCHED,
    );
    const { ended, watched } = await ctx.runWatched(variants, slots);
    if (ended !== undefined || watched === undefined || ctx.stopped()) return ended;
    const row = slots.length * CMP_SLOT_BYTES;
    const fixed: Buffer[] = [];
    const seen = new Set<string>();
    for (const [i, v] of variants.entries()) {
      if ((i + 1) * row > watched.length) break;
      let w = v;
      const elsewhere: Buffer[] = [];
      const changedAt = firstChange(v, parent);
      for (const [k, slot] of slots.entries()) {
        // The slot as this variant left it, as a table of one slot.
        const at = i * row + k * CMP_SLOT_BYTES;
        const own = watched.subarray(at, at + CMP_SLOT_BYTES);
        const pair = readSlot(own, 0);
        // Empty: the compare was not reached, or it held already.
        if (pair === undefined) continue;
        for (const s of sites) if (s.slot === slot) w = refixSite(w, { ...s, slot: 0 }, own) ?? w;
        // The same check on a later record (the next frame's CRC) sits somewhere else.
        elsewhere.push(...fixesNear(v, changedAt, pair, FIX_SEARCH));
      }
      const carried = this.fixes.get(v);
      const made = this.made.get(v);
      for (const x of [w, ...elsewhere]) {
        const key = x.toString('latin1');
        if (x === v || seen.has(key)) continue;
        seen.add(key);
        if (carried !== undefined) this.fixes.set(x, carried);
        if (made !== undefined) this.made.set(x, made);
        fixed.push(x);
      }
    }
    if (fixed.length === 0) return undefined;
    return ctx.run(fixed);
  }
}

/** A compare without a constant operand: the value compared with the input was computed. */
function isComputed(site: I2sSite): boolean {
  return !site.constant && site.size >= 2;
}
