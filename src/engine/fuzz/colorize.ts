// Colorization (RedQueen): which of the many places that hold a compared value the target read.
import { intBytes, readSlot, type CmpPair } from './cmpTable';
import { roundRobin, sites, variantsAt, widths, type I2sVariant } from './inputToState';
import type { LoopEnd } from './loop';
import { runAlone, type AloneContext } from './runAlone';

/** Places one colored run can tell apart (each gets its own mark). */
const COLOR_SITES = 64;
/**
 * More places than this, and input-to-state may try the wrong one first: at two, an earlier
 * record's field of the same kind (a frame's command byte, where the next frame's is read).
 */
const AMBIGUOUS = 1;

/** A compared value that occurs at many places in the input. */
export interface Ambiguity {
  pair: CmpPair;
  size: number;
  le: boolean;
  /** The input's operand is a (else b); the other one is what it should become. */
  fromA: boolean;
  at: number[];
}

/**
 * The operand and byte order under which `pair`'s operand occurs at the most places in `input`,
 * at the widest width where it occurs at all, when that is more than AMBIGUOUS places: inserted
 * fills and repeated records hold a field's bytes many times over. Narrower widths are not
 * counted past a wider one that is found: a 4-byte 0 at one place is that place, not one of the
 * dozens of zero bytes (marking those would break every other field).
 */
export function ambiguity(input: Buffer, pair: CmpPair): Ambiguity | undefined {
  for (const size of widths(pair)) {
    let best: Ambiguity | undefined;
    for (const fromA of [false, true]) {
      for (const le of size === 1 ? [true] : [true, false]) {
        const from = fromA ? pair.a : pair.b;
        const at = sites(input, intBytes(from, size, le), COLOR_SITES, true);
        if (at.length > (best?.at.length ?? 0)) best = { pair, size, le, fromA, at };
      }
    }
    if (best !== undefined) return best.at.length > AMBIGUOUS ? best : undefined;
  }
  return undefined;
}

/** `input` with each place of `amb` marked apart from the others: its first byte xor (index+1). */
export function colored(input: Buffer, amb: Ambiguity): Buffer {
  const out = Buffer.from(input);
  amb.at.forEach((at, j) => {
    out[at] = (out[at] ?? 0) ^ (j + 1);
  });
  return out;
}

/**
 * The place the target read, from the compare's operands in the run of the colored input: the
 * one place whose marked bytes are the operand now, in the byte order that matches (a value
 * like 0 or a fill reads the same both ways before it is marked). Undefined when the colored run
 * did not make the compare, or the operand matches no place or several.
 */
export function readPlace(
  coloredInput: Buffer,
  amb: Ambiguity,
  after: CmpPair | undefined,
): { at: number; le: boolean } | undefined {
  if (after === undefined) return undefined;
  const value = amb.fromA ? after.a : after.b;
  const hits: { at: number; le: boolean }[] = [];
  for (const le of amb.size === 1 ? [true] : [amb.le, !amb.le]) {
    const bytes = intBytes(value, amb.size, le);
    for (const at of amb.at) {
      if (coloredInput.subarray(at, at + amb.size).equals(bytes)) hits.push({ at, le });
    }
    if (hits.length > 0) break;
  }
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * Colored runs one ambiguous pair may take. Marking a place the parser checks before the
 * compared one (the sync byte of an earlier frame holds the same value as the bad one) stops it
 * early; then only a suffix of the places is marked, found by binary search over 64 places.
 */
const LOCATE_RUNS = 7;

/**
 * The place the target read `amb`'s value from. Marks all places first; when the compare is then
 * not made with a marked value, marks the places from the k-th on, moving k later while marking
 * stops the parser (or the compare) and earlier while the target read an unmarked place.
 */
async function locate(
  input: Buffer,
  amb: Ambiguity,
  ctx: AloneContext,
  runs: { count: number },
): Promise<{ ended: LoopEnd | undefined; place: { at: number; le: boolean } | undefined }> {
  const original = amb.fromA ? amb.pair.a : amb.pair.b;
  let lo = 0;
  let hi = amb.at.length - 1;
  let k = 0;
  for (let tries = 0; tries < LOCATE_RUNS && lo <= hi; tries++) {
    const part = { ...amb, at: amb.at.slice(k) };
    const probe = colored(input, part);
    const { ended, seen } = await runAlone(probe, ctx, (own) => readSlot(own.cmp, amb.pair.slot));
    runs.count++;
    if (ended !== undefined) return { ended, place: undefined };
    const place = readPlace(probe, part, seen);
    if (place !== undefined) return { ended: undefined, place };
    const unmarked = seen !== undefined && (amb.fromA ? seen.a : seen.b) === original;
    if (unmarked) hi = k - 1;
    else lo = k + 1;
    k = Math.floor((lo + hi + 1) / 2);
  }
  return { ended: undefined, place: undefined };
}

/**
 * Input-to-state variants at the place each of `pairs` was read from, for the pairs whose value
 * the input holds at many places: colored runs find the place (see locate) for the first
 * `locates` such pairs; a later pair that compares the same value (the other cases of a switch)
 * takes the place found for it without a run. The pairs' exact values come first. The runs are
 * counted in `runs`.
 */
export async function pinnedVariants(
  input: Buffer,
  pairs: readonly CmpPair[],
  ctx: AloneContext,
  runs: { count: number },
  locates: number,
): Promise<{ ended: LoopEnd | undefined; variants: I2sVariant[] }> {
  const lists: I2sVariant[][] = [];
  const found = new Map<string, { at: number; le: boolean } | undefined>();
  let left = locates;
  for (const pair of pairs) {
    const amb = ambiguity(input, pair);
    if (amb === undefined) continue;
    const key = `${amb.size}:${amb.fromA ? pair.a : pair.b}`;
    if (!found.has(key)) {
      if (left === 0) continue;
      left--;
      const { ended, place } = await locate(input, amb, ctx, runs);
      if (ended !== undefined) return { ended, variants: roundRobin(lists) };
      found.set(key, place);
    }
    const place = found.get(key);
    if (place === undefined) continue;
    const to = amb.fromA ? pair.b : pair.a;
    lists.push(variantsAt(input, pair, { ...place, size: amb.size, to }));
  }
  return { ended: undefined, variants: roundRobin(lists) };
}
