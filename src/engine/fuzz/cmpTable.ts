// Reads the trace-cmp operand table (struct fwb_cmp_slot[]) and keeps its operands as tokens.
// Integer compares only; memcmp/strcmp operands are read by memcmpTable.ts.

/** sizeof(struct fwb_cmp_slot) in native/include/fuzzwb_shm.h: u64 arg1, arg2; u32 size, flags; u64 pc. */
export const CMP_SLOT_BYTES = 32;

/** One recorded comparison: the target compared a with b as `size`-byte integers. */
export interface CmpPair {
  a: bigint;
  b: bigint;
  size: number;
  /** FWB_CMP_CONST when a is a compile-time constant. */
  flags: number;
  /** Index of the slot it came from. */
  slot: number;
  /** How many compares the input had made when it made this one (FWB_CMP_ORDER_SHIFT). */
  order: number;
}

/** Bits of a slot's flags word below the order count (fuzzwb_shm.h). */
const FLAG_BITS = 8;

/** Operand widths worth turning into byte strings; single bytes are what havoc already tries. */
const TOKEN_SIZES = new Set([2, 4, 8]);

/** The pair in slot `i`, or undefined for an empty slot (size 0) or an unknown width. */
export function readSlot(table: Buffer, i: number): CmpPair | undefined {
  const off = i * CMP_SLOT_BYTES;
  const size = table.readUInt32LE(off + 16);
  if (size !== 1 && size !== 2 && size !== 4 && size !== 8) return undefined;
  const flags = table.readUInt32LE(off + 20);
  return {
    a: table.readBigUInt64LE(off),
    b: table.readBigUInt64LE(off + 8),
    size,
    flags: flags & ((1 << FLAG_BITS) - 1),
    slot: i,
    order: flags >>> FLAG_BITS,
  };
}

/** Every filled slot of the table. */
export function readCmpTable(table: Buffer): CmpPair[] {
  const pairs: CmpPair[] = [];
  const n = Math.floor(table.length / CMP_SLOT_BYTES);
  for (let i = 0; i < n; i++) {
    const p = readSlot(table, i);
    if (p !== undefined) pairs.push(p);
  }
  return pairs;
}

function mask(size: number): bigint {
  return (1n << BigInt(size * 8)) - 1n;
}

/** 0, 1 and all-ones (-1) turn up everywhere and are already among havoc's interesting values. */
export function isTrivial(v: bigint, size: number): boolean {
  const m = mask(size);
  const x = v & m;
  return x <= 1n || x === m;
}

/** `v` as `size` bytes in the given byte order (truncated to the width). */
export function intBytes(v: bigint, size: number, littleEndian: boolean): Buffer {
  const buf = Buffer.alloc(size);
  let x = v & mask(size);
  for (let i = 0; i < size; i++) {
    buf[littleEndian ? i : size - 1 - i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return buf;
}

/** sancov's trace_const_cmp marks a compile-time constant arg1. */
export const FWB_CMP_CONST = 1;

/**
 * The byte strings a pair offers a dictionary, in both byte orders: the constant of a comparison
 * with one, otherwise both operands. The other side of a constant comparison is mostly input
 * bytes the mutator made up, and would crowd real tokens out of a bounded set.
 */
export function pairTokens(p: CmpPair): Buffer[] {
  if (!TOKEN_SIZES.has(p.size)) return [];
  const out: Buffer[] = [];
  const operands = (p.flags & FWB_CMP_CONST) !== 0 ? [p.a] : [p.a, p.b];
  for (const v of operands) {
    if (isTrivial(v, p.size)) continue;
    const le = intBytes(v, p.size, true);
    out.push(le);
    const be = intBytes(v, p.size, false);
    if (!be.equals(le)) out.push(be);
  }
  return out;
}

/**
 * A bounded set of recent tokens, without duplicates: a token seen again becomes the most recent,
 * and past the limit the least recent goes. The set is what the mutator draws from, so it favours
 * what the target compares now over what it compared long ago.
 */
export class TokenSet {
  private readonly items = new Map<string, Buffer>();
  private list: Buffer[] | undefined;

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.items.size;
  }

  /** Adds or refreshes a token; returns true when it was not in the set. */
  add(tok: Buffer): boolean {
    if (tok.length === 0) return false;
    const key = tok.toString('latin1');
    const had = this.items.delete(key);
    this.items.set(key, Buffer.from(tok));
    if (this.items.size > this.limit) {
      const oldest = this.items.keys().next();
      if (oldest.done !== true) this.items.delete(oldest.value);
    }
    this.list = undefined;
    return !had;
  }

  /** Oldest first; the array is cached until the set changes. */
  tokens(): readonly Buffer[] {
    this.list ??= [...this.items.values()];
    return this.list;
  }
}

/** Slots compared at once before changedSlots looks at them one by one. */
const SLOTS_PER_BLOCK = 64;

/**
 * Indexes of the `slotBytes`-wide slots of `table` that differ from `last`, copying each changed
 * slot into `last`. The operand tables are not cleared between inputs, so most slots hold the
 * same operands batch after batch: only changed ones are worth decoding again.
 */
export function changedSlots(table: Buffer, last: Buffer, slotBytes: number): number[] {
  const out: number[] = [];
  const n = Math.floor(Math.min(table.length, last.length) / slotBytes);
  // A run changes a handful of the thousands of slots, and this runs after every batch: blocks
  // of slots are compared first, one native call each, and only a changed block slot by slot.
  for (let block = 0; block < n; block += SLOTS_PER_BLOCK) {
    const blockEnd = Math.min(n, block + SLOTS_PER_BLOCK);
    const from = block * slotBytes;
    const to = blockEnd * slotBytes;
    if (table.compare(last, from, to, from, to) === 0) continue;
    for (let i = block; i < blockEnd; i++) {
      const off = i * slotBytes;
      const end = off + slotBytes;
      if (table.compare(last, off, end, off, end) === 0) continue;
      table.copy(last, off, off, end);
      out.push(i);
    }
  }
  return out;
}

/** Feeds the tokens of changed slots into a TokenSet; `tokensOf` decodes one slot. */
export class SlotHarvester {
  private last = Buffer.alloc(0);

  constructor(
    readonly tokens: TokenSet,
    private readonly slotBytes: number,
    private readonly tokensOf: (table: Buffer, slot: number) => Buffer[],
  ) {}

  /** Reads the slots that changed; returns how many new tokens they gave. */
  harvest(table: Buffer): number {
    if (this.last.length !== table.length) this.last = Buffer.alloc(table.length);
    let added = 0;
    for (const i of changedSlots(table, this.last, this.slotBytes)) {
      for (const t of this.tokensOf(table, i)) if (this.tokens.add(t)) added++;
    }
    return added;
  }
}

/** Feeds integer comparison operands into a TokenSet. */
export class CmpHarvester extends SlotHarvester {
  constructor(tokens: TokenSet) {
    super(tokens, CMP_SLOT_BYTES, (table, i) => {
      const p = readSlot(table, i);
      return p === undefined ? [] : pairTokens(p);
    });
  }
}
