// Repeating the block a new corpus entry added: a format of records often needs more of the one just found.
import type { I2sSite } from './inputToState';

/** A block of an entry that an older entry lacks: bytes [at, at + size). */
export interface Insertion {
  at: number;
  size: number;
}

/** The bytes both blocks cover and those between them. */
export function span(a: Insertion | undefined, b: Insertion | undefined): Insertion | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const at = Math.min(a.at, b.at);
  return { at, size: Math.max(a.at + a.size, b.at + b.size) - at };
}

/** Where an input came from: the corpus entry, and the bytes written into it when known. */
export interface Provenance {
  origin: Buffer;
  wrote: Insertion | undefined;
}

/**
 * Older entries compared with a new one. The entry it came from is nearly always a recent one, and
 * the comparison is linear in their length.
 */
export const RECENT_ENTRIES = 512;
/**
 * Copies of the block added at once. Hit counts are bucketed (1, 2, 3, 4-7, 8-15, 16-31, 32-127),
 * so a count that only grows by one stops adding coverage at 4: each of these totals lands in
 * the next bucket.
 */
export const REPEATS = [1, 2, 3, 7, 15, 31, 63];
/**
 * Bytes the copies may add: many copies of a long record make inputs every later run pays for,
 * and a long record is seldom what a count is kept of.
 */
export const REPEAT_BYTES = 512;

/**
 * The block of `entry` that differs from `older`, the input it was made from: what lies between
 * their common prefix and common suffix. For a record appended or inserted that is the record;
 * for a record written over filler (sync byte, tag, length, checksum) it is the record too, as
 * its first and last bytes are the ones that had to change. Undefined when `entry` is shorter.
 */
export function changedBlock(entry: Buffer, older: Buffer): Insertion | undefined {
  if (entry.length < older.length) return undefined;
  let prefix = 0;
  while (prefix < older.length && entry[prefix] === older[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < older.length - prefix &&
    entry[entry.length - 1 - suffix] === older[older.length - 1 - suffix]
  ) {
    suffix++;
  }
  const size = entry.length - suffix - prefix;
  return size > 0 ? { at: prefix, size } : undefined;
}

/**
 * Where `entry` is `older` with one block inserted (or appended), or undefined when they differ
 * otherwise. When the block could sit at several places (the bytes around it repeat), the one
 * after the longest common prefix is taken: a copy inserted there makes the same input as one
 * at any of the others.
 */
export function insertedBlock(entry: Buffer, older: Buffer): Insertion | undefined {
  const b = changedBlock(entry, older);
  return b !== undefined && b.size === entry.length - older.length ? b : undefined;
}

/**
 * The block `entry` added to the older entry it came from: of the older entries it extends by
 * one block, the one it extends least (a record appended to a chain of them, not the whole chain).
 */
export function addedBlock(entry: Buffer, older: readonly Buffer[]): Insertion | undefined {
  let best: Insertion | undefined;
  for (const o of older) {
    if (o === entry || o.length >= entry.length) continue;
    if (best !== undefined && entry.length - o.length >= best.size) continue;
    best = insertedBlock(entry, o) ?? best;
  }
  return best;
}

/** `entry` with `copies` more copies of its block `b` right after it. */
export function repeated(entry: Buffer, b: Insertion, copies: number): Buffer {
  const block = entry.subarray(b.at, b.at + b.size);
  const parts = [entry.subarray(0, b.at + b.size)];
  for (let i = 0; i < copies; i++) parts.push(block);
  parts.push(entry.subarray(b.at + b.size));
  return Buffer.concat(parts);
}

/** Sites behind the copies moved by what was inserted before them (checksum fix-ups). */
export function shiftedSites(sites: readonly I2sSite[], b: Insertion, copies: number): I2sSite[] {
  const end = b.at + b.size;
  return sites.map((s) => (s.at >= end ? { ...s, at: s.at + copies * b.size } : s));
}

/**
 * The record a new entry added: what input-to-state wrote into the corpus entry it was made from
 * (a frame's sync byte, command, length and checksum span the frame), else what differs from that
 * entry, else what the entry inserted into one of the `older` entries (the newest RECENT_ENTRIES).
 */
export function recordOf(
  entry: Buffer,
  made: Provenance | undefined,
  older: readonly Buffer[],
): Insertion | undefined {
  const b =
    made?.wrote ??
    (made !== undefined ? changedBlock(entry, made.origin) : undefined) ??
    addedBlock(entry, older.slice(-RECENT_ENTRIES));
  return b !== undefined && b.at + b.size <= entry.length ? b : undefined;
}

/** An input made of records: where it came from, and the record it carries. */
export interface RecordVariant {
  input: Buffer;
  made: Provenance;
}

/**
 * The entry with its record `b` repeated more times (see REPEATS), within maxLen: a frame, chunk
 * or register write that reached new code often does more when there are more of it. Each
 * variant's record is the first copy, so repeating it again goes on from there.
 */
export function repeatVariants(entry: Buffer, b: Insertion, maxLen: number): RecordVariant[] {
  const out: RecordVariant[] = [];
  for (const copies of REPEATS) {
    if (entry.length + copies * b.size > maxLen || copies * b.size > REPEAT_BYTES) break;
    const made = { origin: entry, wrote: { ...b, at: b.at + b.size } };
    out.push({ input: repeated(entry, b, copies), made });
  }
  return out;
}

/** `into` with `record` inserted right after its own record `after`. */
function insertedAfter(into: Buffer, after: Insertion, record: Buffer): RecordVariant {
  const end = after.at + after.size;
  return {
    input: Buffer.concat([into.subarray(0, end), record, into.subarray(end)]),
    made: { origin: into, wrote: { at: end, size: record.length } },
  };
}

/**
 * Records of two entries put together, each entry's record right after the other's: an unlock
 * frame found in one entry and an append frame found in another make a sequence that neither
 * mutation of one of them is likely to make.
 */
export function splicedVariants(
  entry: Buffer,
  b: Insertion,
  others: readonly { input: Buffer; record: Insertion }[],
  maxLen: number,
): RecordVariant[] {
  const out: RecordVariant[] = [];
  const mine = entry.subarray(b.at, b.at + b.size);
  for (const o of others) {
    if (o.input === entry) continue;
    const theirs = o.input.subarray(o.record.at, o.record.at + o.record.size);
    if (theirs.equals(mine)) continue;
    if (o.input.length + mine.length <= maxLen) out.push(insertedAfter(o.input, o.record, mine));
    if (entry.length + theirs.length <= maxLen) out.push(insertedAfter(entry, b, theirs));
  }
  return out;
}

/** Shorter records are not looked for in other entries: a few bytes match anywhere by chance. */
export const MIN_KNOWN_RECORD = 4;

/** A variant of repeatVariants, with the block it repeated (its fix sites move behind it). */
export interface KnownRepeat extends RecordVariant {
  block: Insertion;
}

/**
 * The entry with each known record it holds repeated where it first occurs (see repeatVariants).
 * A record is another entry's (`pool`); an entry often carries it among others it found later,
 * and the block this entry added (`own`, repeated already) then spans several of them. The
 * checksum bench target's append frames are such a record: an entry that added them with a
 * clear frame between each (unlock, append, clear) never fills the registers when that block
 * is repeated, and does when the append alone is.
 */
export function knownRecordRepeats(
  entry: Buffer,
  own: Insertion | undefined,
  pool: readonly { input: Buffer; record: Insertion }[],
  maxLen: number,
): KnownRepeat[] {
  const out: KnownRepeat[] = [];
  const seen = new Set<string>();
  for (const p of pool) {
    const bytes = p.input.subarray(p.record.at, p.record.at + p.record.size);
    const key = bytes.toString('latin1');
    if (bytes.length < MIN_KNOWN_RECORD || seen.has(key)) continue;
    seen.add(key);
    const at = entry.indexOf(bytes);
    if (at < 0 || (own !== undefined && own.at === at && own.size === bytes.length)) continue;
    const block = { at, size: bytes.length };
    for (const v of repeatVariants(entry, block, maxLen)) out.push({ ...v, block });
  }
  return out;
}
