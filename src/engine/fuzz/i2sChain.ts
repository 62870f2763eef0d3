// Chained input-to-state: a variant that reaches compares its parent did not gets variants of its own.
import { CMP_SLOT_BYTES, FWB_CMP_CONST, readSlot, type CmpPair } from './cmpTable';
import { pinnedVariants } from './colorize';
import {
  inputToStateSites,
  roundRobin,
  latestFirst,
  worthVarying,
  type I2sSite,
  type I2sVariant,
} from './inputToState';
import type { LoopEnd } from './loop';
import { MEMCMP_SLOT_BYTES, memcmpVariants, readMemcmpSlot, type MemcmpPair } from './memcmpTable';
import { copyTables, runAlone, type AloneContext, type RunTables } from './runAlone';

/**
 * How many compares deep a chain goes. A record of a format takes up to four: the input grown to
 * hold its header, its length made to fit, its tag, then a field the tag's reader checks.
 */
export const CHAIN_DEPTH = 4;
/** Variants of one link: a fresh compare seldom has more sites worth trying than this. */
export const CHAIN_FANOUT = 16;
/** The last compares of a run whose place in the input is looked for when it is ambiguous. */
export const PINNED_PAIRS = 2;

/** What a chain needs of the loop; a subset of the input-to-state stage's context. */
export interface ChainContext extends AloneContext {
  stopped(): boolean;
  /** Entries in the corpus: a run that added one was kept, and that entry is studied itself. */
  corpusSize(): number;
  /** A link made from `parent` by writing `site` (checksum fix sites pass on). */
  derived?(child: Buffer, parent: Buffer, site: I2sSite | undefined): void;
}

/** One input waiting to run: the tables of the run it was made from, and where it wrote. */
interface Link {
  input: Buffer;
  depth: number;
  /** Ranks of the links on the way here, summed (see nextLink): lower runs first. */
  score: number;
  from: RunTables;
  /** Bytes [at, end) the variant wrote; a follower that writes them again undoes it. */
  at: number;
  end: number;
}

/** A variant to start a chain from: the bytes it wrote, as far as they are known. */
export interface ChainStart {
  input: Buffer;
  at?: number;
  size?: number;
}

function slotChanged(a: Buffer, b: Buffer, off: number, bytes: number): boolean {
  return a.compare(b, off, off + bytes, off, off + bytes) !== 0;
}

/**
 * Compares a run made (`own`, its tables alone) that its parent's run (`parent`) did not: a
 * compare reached for the first time, or the next record's instance of one the parent made,
 * which compares other input bytes. The same instance with the value the variant wrote (or a
 * bound computed from a longer input) is not new: both operands of a variable compare, or the
 * input's operand of one with a constant, must differ.
 */
export function revealedPairs(parent: Buffer, own: Buffer): CmpPair[] {
  const out: CmpPair[] = [];
  const n = Math.floor(own.length / CMP_SLOT_BYTES);
  for (let i = 0; i < n; i++) {
    const p = readSlot(own, i);
    if (p === undefined) continue;
    const q = readSlot(parent, i);
    const fresh =
      q === undefined ||
      ((p.flags & FWB_CMP_CONST) !== 0 ? p.b !== q.b : p.a !== q.a && p.b !== q.b);
    if (fresh) out.push(p);
  }
  return latestFirst(out);
}

/** revealedPairs for the memcmp/strcmp table. */
export function revealedMemcmps(parent: Buffer, own: Buffer): MemcmpPair[] {
  const out: MemcmpPair[] = [];
  const n = Math.floor(own.length / MEMCMP_SLOT_BYTES);
  for (let i = 0; i < n; i++) {
    if (!slotChanged(own, parent, i * MEMCMP_SLOT_BYTES, MEMCMP_SLOT_BYTES)) continue;
    const p = readMemcmpSlot(own, i);
    if (p !== undefined) out.push(p);
  }
  return out;
}

/**
 * Runs an entry's input-to-state variants one at a time, depth first: a variant that kept nothing
 * but made compares its parent did not (a length made to fit lets the reader get to the tag
 * behind it) is followed by variants for those compares, up to CHAIN_DEPTH links. Each link
 * alone adds no edge, which is why a coverage-guided loop never keeps it; together they reach
 * the next record. Worth it where one run alone costs what a run in a batch does: a fork per
 * input. `parent` holds the compares of the entry the variants were made from.
 */
export async function runChain(
  first: readonly ChainStart[],
  parent: RunTables,
  budget: number,
  ctx: ChainContext,
): Promise<ChainResult> {
  const queue: Link[] = first.map((v, i) => ({
    input: v.input,
    depth: 1,
    score: Math.floor(i / HEAD_RANK),
    from: parent,
    at: v.at ?? 0,
    end: (v.at ?? 0) + (v.size ?? 0),
  }));
  const seen = new Set<string>(first.map((v) => v.input.toString('latin1')));
  const runs = { count: 0 };
  for (; runs.count < budget && queue.length > 0 && !ctx.stopped(); runs.count++) {
    const link = nextLink(queue);
    const kept = ctx.corpusSize();
    const { ended, seen: news } = await runAlone(link.input, ctx, (own) =>
      // A kept variant is an entry now, and its own study follows its compares.
      ctx.corpusSize() !== kept || link.depth >= CHAIN_DEPTH ? undefined : revealed(link, own),
    );
    if (ended !== undefined) return { ended, unrun: [] };
    if (news === undefined) continue;
    const found = await followers(link, news, ctx, runs);
    if (found.ended !== undefined) return { ended: found.ended, unrun: [] };
    const next = found.links.filter((l) => {
      const key = l.input.toString('latin1');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    queue.push(...next);
  }
  return { ended: undefined, unrun: queue.filter((l) => l.depth === 1).map((l) => l.input) };
}

/** How a chain ended, and the variants it started from that it had no runs left for. */
export interface ChainResult {
  ended: LoopEnd | undefined;
  /**
   * Head variants still waiting when the budget ran out: the links below the first ones can
   * take it all (a value the input holds at two places gives a fresh compare at each), and a
   * variant never run is a site never tried, so the stage runs these in its batch.
   */
  unrun: Buffer[];
}

/** Head variants that rank alike: the first few are as likely as one another. */
const HEAD_RANK = 4;
/** Followers that rank alike: a value, the one above and the one below (`<=` is `<` plus one). */
const FOLLOWER_RANK = 3;

/**
 * Takes the link to run next out of the queue: the lowest score, the deepest among those, the
 * first made among those. A link's score is its parent's plus its rank among the parent's
 * followers, so a chain of first choices goes all the way down, then each second choice is
 * tried before any third (limited discrepancy search): depth first alone spent the whole budget
 * below an entry's first variant when its second one was the way on.
 */
function nextLink(queue: Link[]): Link {
  let best = 0;
  for (let i = 1; i < queue.length; i++) {
    const a = queue[i] as Link;
    const b = queue[best] as Link;
    if (a.score < b.score || (a.score === b.score && a.depth > b.depth)) best = i;
  }
  return queue.splice(best, 1)[0] as Link;
}

/** What a link's run revealed: its compares, with copies of its tables when there are any. */
interface Revealed {
  pairs: CmpPair[];
  strings: MemcmpPair[];
  own: RunTables;
}

function revealed(link: Link, own: RunTables): Revealed | undefined {
  const pairs = revealedPairs(link.from.cmp, own.cmp);
  const strings =
    own.memcmp !== undefined && link.from.memcmp !== undefined
      ? revealedMemcmps(link.from.memcmp, own.memcmp)
      : [];
  if (pairs.length === 0 && strings.length === 0) return undefined;
  return { pairs, strings, own: copyTables(own) };
}

/**
 * The variants of a link for the compares its run revealed, none writing where it wrote: at the
 * place colorization found for the last ones, then by input-to-state's own order.
 */
async function followers(
  link: Link,
  { pairs, strings, own }: Revealed,
  ctx: ChainContext,
  runs: { count: number },
): Promise<{ ended: LoopEnd | undefined; links: Link[] }> {
  const base = { depth: link.depth + 1, from: own, score: link.score };
  const links: Link[] = memcmpVariants(link.input, strings, CHAIN_FANOUT / 2).map((input, i) => {
    ctx.derived?.(input, link.input, undefined);
    return { ...base, input, at: 0, end: 0, score: base.score + Math.floor(i / FOLLOWER_RANK) };
  });
  const pinned = await pinnedVariants(
    link.input,
    worthVarying(pairs, true),
    ctx,
    runs,
    PINNED_PAIRS,
  );
  if (pinned.ended !== undefined) return { ended: pinned.ended, links };
  // Writing where the link wrote undoes it; but the latest compare may be a further check of the
  // same field (a length made to fit the input, now checked against the command's limit).
  const latest = pairs[0]?.slot;
  const overlaps = (v: I2sVariant): boolean =>
    v.site.slot !== latest &&
    v.site.at < link.end &&
    v.site.at + Math.max(v.site.size, 1) > link.at;
  const sites = inputToStateSites(link.input, pairs, 4 * CHAIN_FANOUT, true);
  // Taking turns: the latest compare may have one place, and its variants are among the sites.
  for (const v of roundRobin([pinned.variants, sites]).filter((x) => !overlaps(x))) {
    if (links.length >= CHAIN_FANOUT) break;
    ctx.derived?.(v.input, link.input, v.site);
    const at = v.site.at;
    links.push({
      ...base,
      input: v.input,
      at,
      end: at + v.site.size,
      score: base.score + Math.floor(links.length / FOLLOWER_RANK),
    });
  }
  return { ended: undefined, links };
}
