// Reads memcmp/strcmp operands (struct fwb_memcmp_slot[]) into tokens and input-to-state variants.
import { SlotHarvester, type TokenSet } from './cmpTable';

/** sizeof(struct fwb_memcmp_slot): u32 len1, len2; u64 pc; u8 s1[32], s2[32]. */
export const MEMCMP_SLOT_BYTES = 80;
const MEMCMP_MAX = 32;

/** One recorded byte-string comparison: the target compared s1 with s2. */
export interface MemcmpPair {
  s1: Buffer;
  s2: Buffer;
  slot: number;
}

/** The pair in slot `i`, or undefined for an empty slot. */
export function readMemcmpSlot(table: Buffer, i: number): MemcmpPair | undefined {
  const off = i * MEMCMP_SLOT_BYTES;
  if (off + MEMCMP_SLOT_BYTES > table.length) return undefined;
  const len1 = table.readUInt32LE(off);
  const len2 = table.readUInt32LE(off + 4);
  if (len1 === 0 || len2 === 0 || len1 > MEMCMP_MAX || len2 > MEMCMP_MAX) return undefined;
  return {
    s1: Buffer.from(table.subarray(off + 16, off + 16 + len1)),
    s2: Buffer.from(table.subarray(off + 48, off + 48 + len2)),
    slot: i,
  };
}

/** A string of one repeated byte (or a single byte) is what havoc already makes. */
function worthAToken(b: Buffer): boolean {
  return b.length >= 2 && b.some((x) => x !== b[0]);
}

/** Both sides: we cannot tell which one came from the input, and the set is bounded anyway. */
export function memcmpTokens(p: MemcmpPair): Buffer[] {
  return [p.s1, p.s2].filter(worthAToken);
}

/** Feeds memcmp operands into a TokenSet (the table is not cleared between inputs). */
export class MemcmpHarvester extends SlotHarvester {
  constructor(tokens: TokenSet) {
    super(tokens, MEMCMP_SLOT_BYTES, (table, i) => {
      const p = readMemcmpSlot(table, i);
      return p === undefined ? [] : memcmpTokens(p);
    });
  }
}

/** Every filled slot of the table. */
export function readMemcmpTable(table: Buffer): MemcmpPair[] {
  const out: MemcmpPair[] = [];
  const n = Math.floor(table.length / MEMCMP_SLOT_BYTES);
  for (let i = 0; i < n; i++) {
    const p = readMemcmpSlot(table, i);
    if (p !== undefined) out.push(p);
  }
  return out;
}

/**
 * Input-to-state for byte strings: where one operand occurs in the input, put the other in its
 * place (the input bytes the target compared against a constant become the constant). Variants
 * differ from the input and from each other; at most `limit`, first sites first.
 */
export function memcmpVariants(
  input: Buffer,
  pairs: readonly MemcmpPair[],
  limit: number,
): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>([input.toString('latin1')]);
  for (const p of pairs) {
    for (const [from, to] of [
      [p.s1, p.s2],
      [p.s2, p.s1],
    ] as const) {
      if (from.equals(to)) continue;
      let at = input.indexOf(from);
      for (let n = 0; at >= 0 && n < 4; n++) {
        const v = Buffer.concat([input.subarray(0, at), to, input.subarray(at + from.length)]);
        const key = v.toString('latin1');
        if (!seen.has(key)) {
          seen.add(key);
          out.push(v);
          if (out.length >= limit) return out;
        }
        at = input.indexOf(from, at + 1);
      }
    }
  }
  return out;
}
