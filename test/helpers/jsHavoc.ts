// A JavaScript havoc mutator for unit tests of the loop, which run without the addon; the engine
// itself uses only native/runtime/mutate.c.
import type { HavocMutator } from '../../src/engine/fuzz/havocMutator';
import { createRng, type Rng } from '../../src/engine/fuzz/rng';

const INTERESTING_8 = [-128, -1, 0, 1, 16, 32, 64, 100, 127];
const INTERESTING_16 = [-32768, -129, 128, 255, 256, 512, 1000, 1024, 4096, 32767];
const INTERESTING_32 = [
  -2147483648, -100663046, -32769, 32768, 65535, 65536, 100663045, 2147483647,
];

export interface MutatorOptions {
  maxLen: number;
  /** Tokens to insert or overwrite with (user dictionary, comparison operands). */
  dictionary: readonly Buffer[];
}

type Mutation = (data: Buffer, rng: Rng, opts: MutatorOptions, other: Buffer | undefined) => Buffer;

function clampLen(buf: Buffer, maxLen: number): Buffer {
  return buf.length > maxLen ? buf.subarray(0, maxLen) : buf;
}

const flipBit: Mutation = (d, rng) => {
  if (d.length === 0) return d;
  const i = rng.below(d.length);
  d[i] = (d[i] ?? 0) ^ (1 << rng.below(8));
  return d;
};

const randomByte: Mutation = (d, rng) => {
  if (d.length === 0) return d;
  d[rng.below(d.length)] = rng.below(256);
  return d;
};

const arith: Mutation = (d, rng) => {
  if (d.length === 0) return d;
  const width = [1, 2, 4][rng.below(3)] ?? 1;
  if (d.length < width) return d;
  const at = rng.below(d.length - width + 1);
  const delta = (rng.below(35) + 1) * (rng.oneIn(2) ? 1 : -1);
  const le = rng.oneIn(2);
  if (width === 1) d.writeUInt8((d.readUInt8(at) + delta) & 0xff, at);
  else if (width === 2) {
    const v = le ? d.readUInt16LE(at) : d.readUInt16BE(at);
    const w = (v + delta) & 0xffff;
    if (le) d.writeUInt16LE(w, at);
    else d.writeUInt16BE(w, at);
  } else {
    const v = le ? d.readUInt32LE(at) : d.readUInt32BE(at);
    const w = (v + delta) >>> 0;
    if (le) d.writeUInt32LE(w, at);
    else d.writeUInt32BE(w, at);
  }
  return d;
};

const interesting: Mutation = (d, rng) => {
  if (d.length === 0) return d;
  const width = [1, 2, 4][rng.below(3)] ?? 1;
  if (d.length < width) return d;
  const at = rng.below(d.length - width + 1);
  const le = rng.oneIn(2);
  if (width === 1) d.writeInt8(INTERESTING_8[rng.below(INTERESTING_8.length)] ?? 0, at);
  else if (width === 2) {
    const v = (INTERESTING_16[rng.below(INTERESTING_16.length)] ?? 0) & 0xffff;
    if (le) d.writeUInt16LE(v, at);
    else d.writeUInt16BE(v, at);
  } else {
    const v = (INTERESTING_32[rng.below(INTERESTING_32.length)] ?? 0) >>> 0;
    if (le) d.writeUInt32LE(v, at);
    else d.writeUInt32BE(v, at);
  }
  return d;
};

const insertBytes: Mutation = (d, rng, opts) => {
  if (d.length >= opts.maxLen) return d;
  const n = Math.min(1 + rng.below(rng.oneIn(4) ? 32 : 4), opts.maxLen - d.length);
  const at = rng.below(d.length + 1);
  const fill = Buffer.alloc(n);
  if (rng.oneIn(2)) fill.fill(rng.below(256));
  else for (let i = 0; i < n; i++) fill[i] = rng.below(256);
  return Buffer.concat([d.subarray(0, at), fill, d.subarray(at)]);
};

const eraseBytes: Mutation = (d, rng) => {
  if (d.length <= 1) return d;
  const n = 1 + rng.below(Math.min(16, d.length - 1));
  const at = rng.below(d.length - n + 1);
  return Buffer.concat([d.subarray(0, at), d.subarray(at + n)]);
};

/**
 * Copies `n` bytes of `src` (which may be `d` itself) over `d` or into it at a random place:
 * libFuzzer's CopyPart and CrossOver. Whole records (a frame, a register write) are copied as
 * often as parts of them, so a record can be repeated or moved between inputs intact.
 */
export function copyPart(d: Buffer, src: Buffer, rng: Rng, maxLen: number): Buffer {
  if (src.length === 0 || d.length === 0) return d;
  const n = 1 + rng.below(src.length);
  const from = rng.below(src.length - n + 1);
  const block = Buffer.from(src.subarray(from, from + n));
  if (rng.oneIn(2) && n <= d.length) {
    block.copy(d, rng.below(d.length - n + 1));
    return d;
  }
  const room = maxLen - d.length;
  if (room <= 0) return d;
  const at = rng.below(d.length + 1);
  return Buffer.concat([d.subarray(0, at), block.subarray(0, room), d.subarray(at)]);
}

const copyBlock: Mutation = (d, rng, opts) => copyPart(d, d, rng, opts.maxLen);

const insertPartOf: Mutation = (d, rng, opts, other) =>
  copyPart(d, other !== undefined && other.length > 0 ? other : d, rng, opts.maxLen);

const dictionaryToken: Mutation = (d, rng, opts) => {
  if (opts.dictionary.length === 0) return randomByte(d, rng, opts, undefined);
  const tok = opts.dictionary[rng.below(opts.dictionary.length)] ?? Buffer.alloc(0);
  if (rng.oneIn(2) && d.length >= tok.length) {
    tok.copy(d, rng.below(d.length - tok.length + 1));
    return d;
  }
  const at = rng.below(d.length + 1);
  return clampLen(Buffer.concat([d.subarray(0, at), tok, d.subarray(at)]), opts.maxLen);
};

const splice: Mutation = (d, rng, opts, other) => {
  if (other === undefined || other.length === 0) return insertBytes(d, rng, opts, other);
  const cut = rng.below(d.length + 1);
  const from = rng.below(other.length);
  return clampLen(Buffer.concat([d.subarray(0, cut), other.subarray(from)]), opts.maxLen);
};

const MUTATIONS: readonly Mutation[] = [
  flipBit,
  randomByte,
  arith,
  interesting,
  insertBytes,
  eraseBytes,
  copyBlock,
  insertPartOf,
  dictionaryToken,
  splice,
];

/** Returns a mutated copy of `input`: a stack of 1..16 havoc mutations. */
export function mutate(input: Buffer, rng: Rng, opts: MutatorOptions, other?: Buffer): Buffer {
  let d: Buffer = Buffer.from(input.length > 0 ? input : Buffer.from([rng.below(256)]));
  const stack = 1 << rng.below(5);
  for (let i = 0; i < stack; i++) {
    const m = MUTATIONS[rng.below(MUTATIONS.length)] ?? flipBit;
    d = m(d, rng, opts, other);
    if (d.length === 0) d = Buffer.from([rng.below(256)]);
  }
  return clampLen(d, opts.maxLen);
}

/** The loop's HavocMutator made from `mutate`: deterministic per request seed, like the native one. */
export function jsMutator(): HavocMutator {
  return {
    mutants(req) {
      const rng = createRng(req.seed);
      const opts = { maxLen: req.maxLen, dictionary: req.tokens };
      const out: Buffer[] = [];
      for (let i = 0; i < req.count; i++) {
        const other = req.others.length > 0 ? req.others[rng.below(req.others.length)] : undefined;
        out.push(mutate(req.parent.subarray(0, req.maxLen), rng, opts, other));
      }
      return out;
    },
  };
}
