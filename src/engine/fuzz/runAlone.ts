// One run with the operand tables to itself: the compares an input makes, and nothing older.
import { CMP_SLOT_BYTES } from './cmpTable';
import type { LoopEnd } from './loop';
import { MEMCMP_SLOT_BYTES } from './memcmpTable';

/** What a run alone needs of the loop. */
export interface AloneContext {
  run(inputs: Buffer[]): Promise<LoopEnd | undefined>;
  /** The live operand tables: cleared around the run, the rest put back after it. */
  table(): Buffer;
  memcmpTable: (() => Buffer) | undefined;
  /** Asks the target to record compares of equal operands too (see recordEqualCompares). */
  recordEqual: ((on: boolean) => void) | undefined;
}

/** The compares one run made (with unequal operands), and nothing older. */
export interface RunTables {
  cmp: Buffer;
  memcmp: Buffer | undefined;
}

/** Where the older operands wait during a run alone; reused, as every run would copy them. */
const saved = { cmp: Buffer.alloc(0), memcmp: Buffer.alloc(0) };

function keep(live: Buffer, slot: 'cmp' | 'memcmp'): Buffer {
  if (saved[slot].length !== live.length) saved[slot] = Buffer.alloc(live.length);
  live.copy(saved[slot]);
  return saved[slot];
}

/** A copy of a run's own tables, for use after the next run. */
export function copyTables(own: RunTables): RunTables {
  return {
    cmp: Buffer.from(own.cmp),
    memcmp: own.memcmp !== undefined ? Buffer.from(own.memcmp) : undefined,
  };
}

/**
 * Runs one input with the operand tables cleared, so that what they hold afterwards is its own,
 * and hands them to `inspect` (live: copy what must outlast the call, see copyTables); then puts
 * the older operands back in the slots the run left empty (the mutator draws on them).
 */
export async function runAlone<T>(
  input: Buffer,
  ctx: AloneContext,
  inspect: (own: RunTables) => T,
): Promise<{ ended: LoopEnd | undefined; seen: T }> {
  const table = ctx.table();
  const mem = ctx.memcmpTable?.();
  const old = keep(table, 'cmp');
  const oldMem = mem !== undefined ? keep(mem, 'memcmp') : undefined;
  table.fill(0);
  mem?.fill(0);
  ctx.recordEqual?.(true);
  let ended: LoopEnd | undefined;
  try {
    ended = await ctx.run([input]);
  } finally {
    ctx.recordEqual?.(false);
  }
  const seen = inspect({ cmp: table, memcmp: mem });
  // Equal operands go too: the mutator, which draws on the table, wants unequal ones.
  restore(table, old, CMP_SLOT_BYTES, 16, true);
  if (mem !== undefined && oldMem !== undefined) restore(mem, oldMem, MEMCMP_SLOT_BYTES, 0, false);
  return { ended, seen };
}

/**
 * Puts `old` slots back where `live` is empty (its u32 at `sizeAt` is 0) or, with `equalToo`,
 * holds equal operands (its first two u64s); such a slot stays empty if `old` was.
 */
function restore(
  live: Buffer,
  old: Buffer,
  bytes: number,
  sizeAt: number,
  equalToo: boolean,
): void {
  const n = Math.floor(live.length / bytes);
  for (let i = 0; i < n; i++) {
    const off = i * bytes;
    const empty = live.readUInt32LE(off + sizeAt) === 0;
    if (!empty && !(equalToo && live.compare(live, off, off + 8, off + 8, off + 16) === 0))
      continue;
    if (old.readUInt32LE(off + sizeAt) !== 0) old.copy(live, off, off, off + bytes);
    else if (!empty) live.fill(0, off, off + bytes);
  }
}
