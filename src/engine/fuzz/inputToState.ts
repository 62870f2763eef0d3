// Input-to-state replacement (a simplified RedQueen/cmplog): where a compared operand's bytes
// appear in the input, try the other operand's bytes in their place.
import {
  CMP_SLOT_BYTES,
  FWB_CMP_CONST,
  intBytes,
  isTrivial,
  readSlot,
  type CmpPair,
} from './cmpTable';
import { grownInPlace } from './lengthFields';

/**
 * Exact value for ==, and one either side so that <, <=, > and >= flip as well.
 */
const DELTAS = [0n, 1n, -1n];
/**
 * A computed bound (`len > size - at`) gets one value more below it: three values in a row
 * cover every remainder of a length that must also be a multiple of 2 or 3 (RGB triples).
 */
const COMPUTED_DELTAS = [...DELTAS, -2n];

/** Places one pattern may be replaced at; a byte run of zeros would otherwise flood the batch. */
const MAX_SITES = 8;
/**
 * Places for the first pair's pattern: a run of equal bytes (an inserted fill) holds the pattern
 * many times, and the field that was compared may be anywhere in it.
 */
const LEAD_SITES = 32;
/** The first pair's variants take up to 1/LEAD_SHARE of the limit before the pairs take turns. */
const LEAD_SHARE = 4;

/**
 * The compare's width, then the narrower widths both operands fit in: a one-byte length field
 * compared as a size_t (`len > n - at`) is found in the input as one byte, not eight.
 */
export function widths(p: CmpPair): number[] {
  const out = [p.size];
  for (const w of [4, 2, 1]) {
    const limit = 1n << BigInt(w * 8);
    if (w < p.size && p.a < limit && p.b < limit) out.push(w);
  }
  return out;
}

/**
 * Offsets where `pattern` occurs in `data`, at most `max`: the first ones and the last ones when
 * there are more. The table keeps the last execution of each compare, and a repetitive input
 * (a dozen register writes of the same value) holds that one near its end, not its start.
 */
export function sites(data: Buffer, pattern: Buffer, max: number, apart = false): number[] {
  const all: number[] = [];
  // Without `apart`, every occurrence counts and the last ones can be looked for from the end:
  // a byte value a large input holds thousands of times costs max searches, not thousands.
  const enough = apart ? Infinity : max + 1;
  let at = data.indexOf(pattern);
  while (at >= 0 && all.length < enough) {
    all.push(at);
    // Apart: in a run of equal bytes only every width-th place can be a whole field.
    at = data.indexOf(pattern, at + (apart ? pattern.length : 1));
  }
  if (all.length <= max) return all;
  const head = Math.ceil(max / 2);
  if (apart) return [...all.slice(0, head), ...all.slice(all.length - (max - head))];
  const tail: number[] = [];
  for (let from = data.length; tail.length < max - head && from > 0;) {
    const last = data.lastIndexOf(pattern, from - 1);
    if (last < 0) break;
    tail.push(last);
    from = last;
  }
  return [...all.slice(0, head), ...tail.reverse()];
}

/** Where one variant wrote what: enough to write a fresh value there again (a checksum fix). */
export interface I2sSite {
  /** The cmp slot of the comparison (slots are per compare instruction). */
  slot: number;
  at: number;
  /** Bytes written at `at`; 0 when the variant only appended bytes there. */
  size: number;
  le: boolean;
  /** The comparison had a compile-time constant: a magic value, not a computed one. */
  constant: boolean;
}

export interface I2sVariant {
  readonly input: Buffer;
  site: I2sSite;
}

/**
 * A variant whose input is made when first read. A pair gives dozens of variants and an input
 * hundreds of pairs, each variant a copy of the input, and only `limit` of them are taken: made
 * eagerly, the copies cost the target more waiting (on a real library a third of the loop's
 * JavaScript) than the runs of the ones taken.
 */
class LazyVariant implements I2sVariant {
  private made: Buffer | undefined;

  constructor(
    private readonly make: () => Buffer,
    readonly site: I2sSite,
  ) {}

  get input(): Buffer {
    this.made ??= this.make();
    return this.made;
  }
}

/** `input` with `value` written at `at` in `size` bytes. */
function written(input: Buffer, at: number, size: number, le: boolean, value: bigint): Buffer {
  const v = Buffer.from(input);
  intBytes(value, size, le).copy(v, at);
  return v;
}

/**
 * Variants of `input` for the comparisons in `pairs`, at most `limit`, none equal to the input or
 * to each other. Both directions are tried (either operand may be the one that came from the
 * input), in both byte orders. Single bytes too: a byte compared with a constant ('F', 'W', ...)
 * is a 1-in-256 guess for havoc, one variant here. The pairs take turns (the first variant of
 * every pair, then the second, ...): in pairs' order, so earlier pairs are served first, but a
 * pair whose operand fills the input (zeros, say) cannot use up the limit by itself. With `lead`
 * (pairs latest first, for chains) the first pair, where the input stopped, gets a share of the
 * limit first at more sites, and every pair's variants go round its widths and byte orders
 * site by site, the input grown to the other operand early (see pairVariants).
 */
export function inputToStateSites(
  input: Buffer,
  pairs: readonly CmpPair[],
  limit: number,
  lead = false,
): I2sVariant[] {
  const perPair = worthVarying(pairs, lead).map((p, i) =>
    pairVariants(input, p, lead ? (i === 0 ? 'lead' : 'next') : 'plain'),
  );
  const out: I2sVariant[] = [];
  const seen = new Set<string>([input.toString('latin1')]);
  const both = combined(input, perPair);
  const head = lead ? (perPair[0] ?? []).slice(0, Math.floor(limit / LEAD_SHARE)) : [];
  for (const v of head) {
    const key = v.input.toString('latin1');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  for (let round = 0; out.length < limit; round++) {
    if (round === 1 && both !== undefined && !seen.has(both.input.toString('latin1'))) {
      seen.add(both.input.toString('latin1'));
      out.push(both);
      if (out.length >= limit) break;
    }
    let any = false;
    for (const list of perPair) {
      const v = list[round];
      if (v === undefined) continue;
      any = true;
      const key = v.input.toString('latin1');
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(v);
      if (out.length >= limit) break;
    }
    if (!any) break;
  }
  return out;
}

/**
 * The first variant of every pair written into one input, where they do not overlap: compares
 * joined by && or || (`kind != 0x5a17 || key != 0xfeedbeef`, merged by the compiler into one
 * branch) give no coverage for one operand right alone. Undefined unless two or more pairs
 * contributed.
 */
function combined(input: Buffer, perPair: readonly I2sVariant[][]): I2sVariant | undefined {
  const out = Buffer.from(input);
  const taken = new Uint8Array(input.length);
  let first: I2sSite | undefined;
  let count = 0;
  for (const list of perPair) {
    const v = list[0];
    if (v === undefined || v.input.length !== input.length) continue;
    const { at, size } = v.site;
    if (taken.subarray(at, at + size).some((t) => t !== 0)) continue;
    v.input.copy(out, at, at, at + size);
    taken.fill(1, at, at + size);
    first ??= v.site;
    count++;
  }
  return first !== undefined && count >= 2 ? { input: out, site: first } : undefined;
}

/**
 * A value written that is this small may be a length the input must then hold: the variant is
 * tried again with that many bytes more (a copy of the input's tail, or zeros).
 */
const GROW_UP_TO = 256n;

/** `v` with `n` bytes more at its end: its own bytes repeated, so the new part looks like data. */
function grown(v: Buffer, n: number): Buffer {
  const extra = Buffer.alloc(n);
  for (let i = 0; i < n && v.length > 0; i++) extra[i] = v[i % v.length] ?? 0;
  return Buffer.concat([v, extra]);
}

/**
 * Every variant one pair gives, best first: exact value, then +1 and -1, site by site; then the
 * exact values again with the input grown by the value (a length field and its data), at the
 * end and in place, with the records around it (see grownInPlace); then -2
 * of a computed bound; then the operand widened (see widened). For chains ('lead' and 'next')
 * the sites go round the widths and byte orders (an 8-byte compare of a 4-byte field, as in
 * `len > size - at` with size_t, also matches 8 bytes somewhere by chance), are counted apart
 * (see sites), and the input grown by the operands' difference comes second (see appended); the
 * lead pair tries the exact value at up to LEAD_SITES sites before any value next to it.
 */
function pairVariants(input: Buffer, p: CmpPair, kind: 'plain' | 'lead' | 'next'): I2sVariant[] {
  const out: I2sVariant[] = [];
  const longer: I2sVariant[] = [];
  // One record grown in place per pair, at its first site that has records around it: each
  // also changes what a checksum over the record covers, and adds little but runs past the first.
  let grewInPlace: I2sVariant | undefined;
  const below: I2sVariant[] = [];
  const constant = (p.flags & FWB_CMP_CONST) !== 0;
  if (p.a === p.b) return equalVariants(input, p);
  const deltas = constant ? DELTAS : COMPUTED_DELTAS;
  const passes = kind === 'lead' ? [deltas.slice(0, 1), deltas.slice(1)] : [deltas];
  const maxSites = kind === 'lead' ? LEAD_SITES : MAX_SITES;
  const ways: { size: number; from: bigint; to: bigint; le: boolean; at: number[] }[] = [];
  for (const size of widths(p)) {
    if (size > input.length) continue;
    for (const [from, to] of [
      [p.b, p.a],
      [p.a, p.b],
    ] as const) {
      for (const le of size === 1 ? [true] : [true, false]) {
        const at = sites(input, intBytes(from, size, le), maxSites, kind !== 'plain');
        ways.push({ size, from, to, le, at });
      }
    }
  }
  // Plain: way by way, each at all its sites; else site rank by rank across the ways.
  const order: { size: number; from: bigint; to: bigint; le: boolean; at: number }[] = [];
  if (kind === 'plain') {
    for (const w of ways) for (const at of w.at) order.push({ ...w, at });
  } else {
    for (let rank = 0; rank < maxSites; rank++) {
      for (const w of ways) {
        const at = w.at[rank];
        if (at !== undefined) order.push({ ...w, at });
      }
    }
  }
  // Lead, with a constant: the values next to the first way's first site come right after it
  // (`len <= 16` is `len < 17`). A computed bound is more often met exactly (`len > size - at`).
  const first: I2sVariant[] = [];
  for (const pass of passes) {
    for (const [i, { size, from, to, le, at }] of order.entries()) {
      for (const d of pass) {
        const site = { slot: p.slot, at, size, le, constant };
        const v = new LazyVariant(() => written(input, at, size, le, to + d), site);
        const into = d === -2n ? below : kind === 'lead' && constant && i === 0 ? first : out;
        into.push(v);
        const width = (1n << BigInt(size * 8)) - 1n;
        const value = (to + d) & width;
        if (d === 0n && value > 0n && value <= GROW_UP_TO) {
          longer.push(new LazyVariant(() => grown(v.input, Number(value)), site));
          const inPlace =
            grewInPlace === undefined
              ? grownInPlace(input, { at, size, le }, from & width, value, (x) =>
                  intBytes(x, size, le),
                )
              : undefined;
          if (inPlace !== undefined) grewInPlace = { input: inPlace, site };
        }
      }
    }
  }
  const early = kind === 'plain' ? [] : appended(input, p);
  const offset =
    kind !== 'plain' && out.length + first.length === 0 ? offsetVariants(input, p) : [];
  if (first.length === 0) first.push(...out.splice(0, 1));
  if (grewInPlace !== undefined) longer.push(grewInPlace);
  return [...first, ...early, ...offset, ...out, ...longer, ...below, ...widened(input, p)];
}

/**
 * Variants with `to` (exact, +1, -1, and -2 for a computed compare) written at one known place,
 * the exact one also with the input grown by the value; best first.
 */
export function variantsAt(
  input: Buffer,
  p: CmpPair,
  place: { at: number; size: number; le: boolean; to: bigint },
): I2sVariant[] {
  const { at, size, le, to } = place;
  const constant = (p.flags & FWB_CMP_CONST) !== 0;
  const out: I2sVariant[] = [];
  const site = { slot: p.slot, at, size, le, constant };
  const equal = p.a === p.b;
  for (const d of equal ? NEARBY : constant ? DELTAS : COMPUTED_DELTAS) {
    const v = new LazyVariant(() => written(input, at, size, le, to + d), site);
    out.push(v);
    const value = (to + d) & ((1n << BigInt(size * 8)) - 1n);
    if ((d === 0n || equal) && value > 0n && value <= GROW_UP_TO) {
      out.push(new LazyVariant(() => grown(v.input, Number(value)), site));
    }
  }
  return out;
}

/** Nearby values (see NEARBY) at the first sites of an equal pair's value, widest first. */
function equalVariants(input: Buffer, p: CmpPair): I2sVariant[] {
  const out: I2sVariant[] = [];
  for (const size of widths(p)) {
    for (const le of size === 1 ? [true] : [true, false]) {
      for (const at of sites(input, intBytes(p.a, size, le), EQUAL_SITES, true)) {
        out.push(...variantsAt(input, p, { at, size, le, to: p.a }));
      }
    }
  }
  return out;
}
/** Sites of an equal pair's value tried without colorization (a 0 is everywhere). */
const EQUAL_SITES = 2;

/**
 * A compare of equal operands among an input's last ones (recorded for runs alone, see
 * runAlone): the field equals what the parser rejects (`len == 0`). Its value is the one to
 * move away from, to these nearby values, each also with the input grown by it (a length and
 * the bytes it promises; a multiple of 2, 3 or 4 for records of pairs, triples or words).
 */
const NEARBY = [1n, 2n, 3n, 4n, 6n, 8n, 12n, 16n];
/** Of an input's last compares (latest first), how many may be equal ones worth varying. */
export const EQUAL_LEAD = 4;

/** The pairs input-to-state varies: unequal non-trivial ones, and equal ones among the last. */
export function worthVarying(pairs: readonly CmpPair[], lead: boolean): CmpPair[] {
  return pairs.filter(
    (p, i) =>
      (lead && i < EQUAL_LEAD && p.a === p.b) ||
      (p.a !== p.b && !(isTrivial(p.a, p.size) && isTrivial(p.b, p.size))),
  );
}

/**
 * The input grown by the difference when the smaller operand is small: what is left of the input
 * compared with what a read needs (`size - at >= 8`), or a length with the bytes it promises
 * (`len > size - at`). The reader then gets to the next record, whose fields it compares in turn.
 */
function appended(input: Buffer, p: CmpPair): I2sVariant[] {
  const [from, to] = p.a < p.b ? [p.a, p.b] : [p.b, p.a];
  if (from > GROW_UP_TO || to - from > GROW_UP_TO) return [];
  const site = { slot: p.slot, at: input.length, size: 0, le: true, constant: false };
  // One byte more as well: `left >= 8` is compiled as `left > 7`.
  return [0, 1].map(
    (extra) => new LazyVariant(() => grown(input, Number(to - from) + extra), site),
  );
}

/** How far a range check's lower bound shifts the operand (see offsetVariants). */
const OFFSETS = [1n, 2n];
/** Sites an offset operand is tried at: a small value the input holds at many places. */
const OFFSET_SITES = 4;

/**
 * Variants for a range check: `x >= 1 && x <= 16` compiles to `x - 1 <= 15`, so the compared
 * operand is the input's value less the lower bound, found nowhere in the input. The value the
 * operand would be with a small bound added back is looked for instead, and the constant (and
 * the values next to it) written there with the bound added back too. Only for compares with a
 * constant whose input operand was not found.
 */
function offsetVariants(input: Buffer, p: CmpPair): I2sVariant[] {
  if ((p.flags & FWB_CMP_CONST) === 0) return [];
  const out: I2sVariant[] = [];
  for (const k of OFFSETS) {
    for (const size of widths(p)) {
      if (size > input.length) continue;
      const mask = (1n << BigInt(size * 8)) - 1n;
      for (const le of size === 1 ? [true] : [true, false]) {
        for (const at of sites(input, intBytes((p.b + k) & mask, size, le), OFFSET_SITES, true)) {
          for (const d of DELTAS) {
            const site = { slot: p.slot, at, size, le, constant: true };
            out.push(
              new LazyVariant(() => written(input, at, size, le, (p.a + d + k) & mask), site),
            );
          }
        }
      }
    }
  }
  return out;
}

/**
 * Variants for an operand the input held only in part: its value fits in fewer bytes than the
 * compare's width, and the other operand does not. A reader that ran out of input (a data
 * provider reading integers from the end of the input, a length-prefixed field cut short) gave
 * those few bytes; the other operand is written at their place at full width, the input growing
 * by the missing bytes.
 */
function widened(input: Buffer, p: CmpPair): I2sVariant[] {
  const out: I2sVariant[] = [];
  const constant = (p.flags & FWB_CMP_CONST) !== 0;
  for (const [from, to] of [
    [p.b, p.a],
    [p.a, p.b],
  ] as const) {
    if (from === 0n) continue;
    for (const w of [1, 2, 4]) {
      const limit = 1n << BigInt(w * 8);
      if (w >= p.size || from >= limit || to < limit) continue;
      for (const le of [true, false]) {
        for (const at of sites(input, intBytes(from, w, le), MAX_SITES)) {
          const make = (): Buffer =>
            Buffer.concat([
              input.subarray(0, at),
              intBytes(to, p.size, le),
              input.subarray(at + w),
            ]);
          out.push(new LazyVariant(make, { slot: p.slot, at, size: p.size, le, constant }));
        }
      }
      break;
    }
  }
  return out;
}

/** The variants of inputToStateSites without where they came from. */
export function inputToStateVariants(
  input: Buffer,
  pairs: readonly CmpPair[],
  limit: number,
): Buffer[] {
  return inputToStateSites(input, pairs, limit).map((v) => v.input);
}

/**
 * `input` with the value its compare at `site` wanted written in again, after a change elsewhere
 * in it changed that value (a checksum, a length): the table holds the compare of the run of
 * `input`. Undefined when the slot does not hold the input's bytes at the site against another
 * value.
 */
export function refixSite(input: Buffer, site: I2sSite, table: Buffer): Buffer | undefined {
  if (site.at + site.size > input.length) return undefined;
  const p = readSlot(table, site.slot);
  if (p === undefined || p.size !== site.size) return undefined;
  const here = input.subarray(site.at, site.at + site.size);
  for (const [from, to] of [
    [p.a, p.b],
    [p.b, p.a],
  ] as const) {
    if (from === to || !intBytes(from, site.size, site.le).equals(here)) continue;
    const v = Buffer.from(input);
    intBytes(to, site.size, site.le).copy(v, site.at);
    return v;
  }
  return undefined;
}

/**
 * The pairs an input left in the table: the slots that differ from `before` (a snapshot taken
 * before it ran) come first. The table is not cleared per input, and a comparison whose operands
 * were equal is not recorded, so the remaining filled slots follow: they may be from this input
 * too, or stale, which costs a few useless variants at most. (Putting the last compares first,
 * as chains do, made hybrid mode slower on the nested bench target: 5.0-27.3 s against 0.7-1.3.)
 */
export function pairsAfterRun(before: Buffer, after: Buffer): CmpPair[] {
  const changed: CmpPair[] = [];
  const rest: CmpPair[] = [];
  const n = Math.floor(after.length / CMP_SLOT_BYTES);
  for (let i = 0; i < n; i++) {
    const p = readSlot(after, i);
    if (p === undefined) continue;
    const off = i * CMP_SLOT_BYTES;
    const same =
      before.length >= off + CMP_SLOT_BYTES &&
      after.compare(before, off, off + CMP_SLOT_BYTES, off, off + CMP_SLOT_BYTES) === 0;
    (same ? rest : changed).push(p);
  }
  return [...changed, ...rest];
}

/** Pairs of one run, the last compare it made first. */
export function latestFirst(pairs: CmpPair[]): CmpPair[] {
  return pairs.sort((x, y) => y.order - x.order);
}

/** The lists' first items, then their second ones, and so on: each pair's exact value first. */
export function roundRobin<T>(lists: readonly T[][]): T[] {
  const out: T[] = [];
  for (let i = 0; lists.some((l) => i < l.length); i++) {
    for (const l of lists) {
      const x = l[i];
      if (x !== undefined) out.push(x);
    }
  }
  return out;
}
