// Length fields around a place in an input: growing a record in place grows the records around it.
/**
 * Formats of nested records (TLV chunks, sections of groups of items) reject a record that runs
 * past its parent. A value written into a length field (an item's `len != 4`) asks for that many
 * bytes more inside the record, and every record around it must grow by as many. Which bytes
 * are those lengths is not known, so every 1- or 2-byte field before the place whose value, read
 * as a length from the field's end, reaches past the place and not past the input is taken for
 * one, as long as those fields nest (see nested).
 */

/** A length field: `width` bytes at `at`, in the given byte order. */
export interface LengthField {
  at: number;
  width: 1 | 2;
  le: boolean;
}

/** Largest growth tried: bigger lengths are rarely a record's. */
export const GROW_IN_PLACE_MAX = 256;

function read(input: Buffer, f: LengthField): number {
  if (f.width === 1) return input[f.at] ?? 0;
  return f.le ? input.readUInt16LE(f.at) : input.readUInt16BE(f.at);
}

/**
 * Fields that end at or before `before` and may be the lengths of records that hold `place`:
 * each starts after the end of the last one taken, and a 2-byte reading is preferred. This runs
 * for every small operand's site in every input-to-state pass, so it reads the bytes directly and
 * allocates only the fields it keeps.
 */
export function enclosingFields(input: Buffer, place: number, before: number): LengthField[] {
  return scanFields(input, place, before, false) ?? [];
}

/**
 * The scan of enclosingFields; with `nestedOnly`, undefined as soon as a field reaches past the
 * one before it (they would not nest, see nested), which on most inputs is a few fields in
 * rather than at `before`.
 */
function scanFields(
  input: Buffer,
  place: number,
  before: number,
  nestedOnly: boolean,
): LengthField[] | undefined {
  const out: LengthField[] = [];
  const len = input.length;
  const last = Math.min(before, len);
  let reach = Infinity;
  const take = (f: LengthField, end: number): boolean => {
    if (nestedOnly && end > reach) return false;
    reach = end;
    out.push(f);
    return true;
  };
  for (let q = 0; q < last; q++) {
    const lo = input[q] ?? 0;
    if (q + 2 <= last) {
      const hi = input[q + 1] ?? 0;
      // A field's reach is its end plus its value: it must hold place and stay in the input.
      const le = q + 2 + (lo | (hi << 8));
      if (le >= place && le <= len) {
        if (!take({ at: q, width: 2, le: true }, le)) return undefined;
        q += 1;
        continue;
      }
      const be = q + 2 + ((lo << 8) | hi);
      if (be >= place && be <= len) {
        if (!take({ at: q, width: 2, le: false }, be)) return undefined;
        q += 1;
        continue;
      }
    }
    const one = q + 1 + lo;
    if (one >= place && one <= len && !take({ at: q, width: 1, le: true }, one)) return undefined;
  }
  return out;
}

/**
 * Whether `fields` look like records around one another rather than bytes that happen to be
 * small: at least two, each ending within the one before it. (One alone is too easily a byte of
 * data: taking those made the mmio bench target slower.)
 */
function nested(input: Buffer, fields: readonly LengthField[]): boolean {
  const ends = fields.map((f) => f.at + f.width + read(input, f));
  if (ends.length < 2) return false;
  return ends.every((end, i) => i === 0 || end <= (ends[i - 1] ?? 0));
}

/**
 * `input` with the record whose length field is `site` grown from `from` to `to` bytes: `to`
 * written at the site, the new bytes (the input's own, repeated, so they look like data) put at
 * the end of the record's old body, and the fields around it (see enclosingFields) grown by as
 * many. Undefined when it does not grow, or the old body does not fit the input.
 */
export function grownInPlace(
  input: Buffer,
  site: { at: number; size: number; le: boolean },
  from: bigint,
  to: bigint,
  write: (value: bigint) => Buffer,
): Buffer | undefined {
  const k = Number(to - from);
  if (k <= 0 || k > GROW_IN_PLACE_MAX || input.length === 0) return undefined;
  const place = site.at + site.size + Number(from);
  if (place > input.length) return undefined;
  // Without records around it, the field may as well be a register value or a count: growing
  // the input there would only shift what follows (on the mmio bench target, ops of six bytes).
  const around = scanFields(input, place, site.at, true);
  if (around === undefined || !nested(input, around)) return undefined;
  const v = Buffer.from(input);
  write(to).copy(v, site.at);
  for (const f of around) {
    const grown = read(input, f) + k;
    if (grown >= 1 << (8 * f.width)) continue;
    if (f.width === 1) v[f.at] = grown;
    else if (f.le) v.writeUInt16LE(grown, f.at);
    else v.writeUInt16BE(grown, f.at);
  }
  const extra = Buffer.alloc(k);
  for (let i = 0; i < k; i++) extra[i] = input[i % input.length] ?? 0;
  return Buffer.concat([v.subarray(0, place), extra, v.subarray(place)]);
}
