// Input-to-state replacement (a simplified RedQueen/cmplog): where a compared operand's bytes
// appear in the input, try the other operand's bytes in their place.
import { CMP_SLOT_BYTES, intBytes, readSlot, type CmpPair } from './cmpTable';

/**
 * Exact value for ==, and one either side so that <, <=, > and >= flip as well.
 */
const DELTAS = [0n, 1n, -1n];

/** Places one pattern may be replaced at; a byte run of zeros would otherwise flood the batch. */
const MAX_SITES = 8;

/** Offsets where `pattern` occurs in `data`, at most `max`. */
function sites(data: Buffer, pattern: Buffer, max: number): number[] {
  const out: number[] = [];
  let at = data.indexOf(pattern);
  while (at >= 0 && out.length < max) {
    out.push(at);
    at = data.indexOf(pattern, at + 1);
  }
  return out;
}

/**
 * Variants of `input` for the comparisons in `pairs`, most useful first, at most `limit`, none
 * equal to the input or to each other. Both directions are tried (either operand may be the one
 * that came from the input), in both byte orders.
 */
export function inputToStateVariants(
  input: Buffer,
  pairs: readonly CmpPair[],
  limit: number,
): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>([input.toString('latin1')]);
  for (const p of pairs) {
    if (p.size < 2 || p.size > input.length) continue;
    for (const [from, to] of [
      [p.b, p.a],
      [p.a, p.b],
    ] as const) {
      for (const le of [true, false]) {
        const pattern = intBytes(from, p.size, le);
        for (const at of sites(input, pattern, MAX_SITES)) {
          for (const d of DELTAS) {
            const v = Buffer.from(input);
            intBytes(to + d, p.size, le).copy(v, at);
            const key = v.toString('latin1');
            if (seen.has(key)) continue;
            seen.add(key);
            out.push(v);
            if (out.length >= limit) return out;
          }
        }
      }
    }
  }
  return out;
}

/**
 * The pairs an input left in the table: the slots that differ from `before` (a snapshot taken
 * before it ran) come first. The table is not cleared per input, and a comparison whose operands
 * were equal is not recorded, so the remaining filled slots follow: they may be from this input
 * too, or stale, which costs a few useless variants at most.
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
