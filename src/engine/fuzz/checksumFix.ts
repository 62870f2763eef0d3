// Where a recomputed checksum goes in a changed input: the stored value's places nearest the change.
import { intBytes, type CmpPair } from './cmpTable';
import { sites, widths } from './inputToState';

/** Where a value is written, and what. */
interface Place {
  at: number;
  bytes: Buffer;
}

/** The first byte where `changed` differs from `from`, the input it was made from. */
export function firstChange(changed: Buffer, from: Buffer): number {
  const n = Math.min(changed.length, from.length);
  for (let i = 0; i < n; i++) if (changed[i] !== from[i]) return i;
  return n;
}

/**
 * `input`, changed at `changedAt` so that a checksum over it no longer matches, with the value
 * the failed compare `p` computed written where it read the stored one, at most `max` guesses.
 * The table does not say where the stored value was read; its bytes do, and an input of many
 * like records (frames of one command with one payload) holds them in every record's trailer.
 * The checksum over the change is nearly always the one in the trailer right after it (else in
 * a header right before), so the places are taken nearest the change first, one after it, then
 * one before, and so on. Only the exact value is written: the stored value was read whole.
 */
export function fixesNear(input: Buffer, changedAt: number, p: CmpPair, max: number): Buffer[] {
  const after: Place[] = [];
  const before: Place[] = [];
  for (const size of widths(p)) {
    // One-byte compares are not checksums; a byte found everywhere only wastes the guesses.
    if (size < 2 || size > input.length) continue;
    for (const [from, to] of [
      [p.b, p.a],
      [p.a, p.b],
    ] as const) {
      if (from === to) continue;
      for (const le of [true, false]) {
        const stored = intBytes(from, size, le);
        const bytes = intBytes(to, size, le);
        for (const at of sites(input, stored, Infinity)) {
          (at >= changedAt ? after : before).push({ at, bytes });
        }
      }
    }
  }
  after.sort((x, y) => x.at - y.at);
  before.sort((x, y) => y.at - x.at);
  const out: Buffer[] = [];
  const seen = new Set<string>();
  for (let i = 0; out.length < max && (i < after.length || i < before.length); i++) {
    for (const place of [after[i], before[i]]) {
      if (place === undefined || out.length >= max) continue;
      const v = Buffer.from(input);
      place.bytes.copy(v, place.at);
      const key = v.toString('latin1');
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(v);
    }
  }
  return out;
}
