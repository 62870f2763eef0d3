// Test doubles for comparison feedback: synthetic fwb_cmp_slot tables and a fake target that
// records its compares in one, as the native runtime does.
import { CMP_SLOT_BYTES, FWB_CMP_CONST } from '../../../src/engine/fuzz/cmpTable';
import {
  FuzzLoop,
  type LoopEnd,
  type LoopExecutor,
  type LoopOptions,
} from '../../../src/engine/fuzz/loop';
import { createRng } from '../../../src/engine/fuzz/rng';
import { STAGE_NAMES, type StageName } from '../../../src/engine/fuzz/stage';
import { runDepthBatch } from '../../helpers/depthTarget';
import { jsMutator } from '../../helpers/jsHavoc';
import type { BatchOptions, BatchResult } from '../../../src/engine/native/types';

export interface Slot {
  a: bigint;
  b: bigint;
  size: number;
  flags?: number;
  pc?: bigint;
}

function writeSlot(t: Buffer, i: number, s: Slot): void {
  const off = i * CMP_SLOT_BYTES;
  t.writeBigUInt64LE(s.a, off);
  t.writeBigUInt64LE(s.b, off + 8);
  t.writeUInt32LE(s.size, off + 16);
  t.writeUInt32LE(s.flags ?? 0, off + 20);
  t.writeBigUInt64LE(s.pc ?? 0x401000n + BigInt(i), off + 24);
}

/** A table of `slots` slots with the given ones filled in, as the runtime writes them. */
export function cmpTableOf(filled: Record<number, Slot>, slots = 16): Buffer {
  const t = Buffer.alloc(slots * CMP_SLOT_BYTES);
  for (const [i, s] of Object.entries(filled)) writeSlot(t, Number(i), s);
  return t;
}

export const MAGIC1 = 0xdeadbeefn;
export const MAGIC2 = 0x1badf00dn;

/**
 * A fake target that records compares in its table, as the native runtime does, and reaches a
 * depth per input (see runDepthBatch); subclasses say how deep and where the crash is.
 */
export abstract class DepthCmpTarget implements LoopExecutor {
  readonly acc: Buffer;
  readonly table = cmpTableOf({});
  execs = 0;

  constructor(private readonly crashDepth: number) {
    this.acc = Buffer.alloc(crashDepth + 1);
  }

  /** Edges the input reaches; crashDepth means the crash. */
  protected abstract depth(d: Buffer): number;

  /** Records a compare as the runtime does: only when the operands differ. */
  protected record(slot: number, s: Slot): void {
    if (s.a !== s.b) writeSlot(this.table, slot, s);
  }

  /** Whether runBatch honours opts.watch, as the native executor does. */
  protected watches = true;

  runBatch(inputs: Buffer[], opts?: BatchOptions): Promise<BatchResult> {
    const watch = this.watches ? opts?.watch : undefined;
    const watched: Buffer[] = [];
    const depthOf = (d: Buffer): number => {
      if (watch === undefined) return this.depth(d);
      for (const w of watch) this.table.fill(0, w * CMP_SLOT_BYTES, (w + 1) * CMP_SLOT_BYTES);
      const depth = this.depth(d);
      for (const w of watch) {
        watched.push(
          Buffer.from(this.table.subarray(w * CMP_SLOT_BYTES, (w + 1) * CMP_SLOT_BYTES)),
        );
      }
      return depth;
    };
    const res = runDepthBatch(inputs, opts, depthOf, this.crashDepth, this.acc);
    this.execs += res.execs;
    return Promise.resolve(watch !== undefined ? { ...res, watched: Buffer.concat(watched) } : res);
  }

  coverage(): Buffer {
    return this.acc;
  }

  cmpTable(): Buffer {
    return this.table;
  }
}

/**
 * `if (size >= 8 && le32(data) == MAGIC1 && le32(data + 4) == MAGIC2) crash;` with an edge per
 * stage. Each compare is recorded like __sanitizer_cov_trace_const_cmp4: constant first, and
 * only when the operands differ.
 */
export class FakeCmpTarget extends DepthCmpTarget {
  constructor() {
    super(3);
  }

  private compare(slot: number, constant: bigint, v: bigint): boolean {
    this.record(slot, { a: constant, b: v, size: 4, flags: FWB_CMP_CONST });
    return constant === v;
  }

  protected depth(d: Buffer): number {
    if (d.length < 8) return 0;
    if (!this.compare(3, MAGIC1, BigInt(d.readUInt32LE(0)))) return 1;
    if (!this.compare(11, MAGIC2, BigInt(d.readUInt32LE(4)))) return 2;
    return 3;
  }
}

/** The fake checksum: a 32-bit hash of the bytes after the first four. */
export function fakeHash(payload: Buffer): bigint {
  let h = 7;
  for (const b of payload) h = (Math.imul(h, 31) + b) >>> 0;
  return BigInt(h);
}

/**
 * `if (le32(data) != hash(data + 4)) return; if (le32(data + 4) == MAGIC1) crash;`: the magic is
 * compared only in a frame whose stored hash holds, and writing it changes the hash. The hash
 * compare has no constant operand, as a checksum's has not.
 */
export class FakeChecksumTarget extends DepthCmpTarget {
  constructor(watches = true) {
    super(3);
    this.watches = watches;
  }

  protected depth(d: Buffer): number {
    if (d.length < 8) return 0;
    const hash = fakeHash(d.subarray(4));
    const stored = BigInt(d.readUInt32LE(0));
    this.record(5, { a: hash, b: stored, size: 4 });
    if (hash !== stored) return 1;
    const v = BigInt(d.readUInt32LE(4));
    this.record(9, { a: MAGIC1, b: v, size: 4, flags: FWB_CMP_CONST });
    return v === MAGIC1 ? 3 : 2;
  }
}

function runsOf(target: LoopExecutor): number {
  return 'execs' in target && typeof target.execs === 'number' ? target.execs : 0;
}

/** Every stage but `off`, for a loop's `stages` option. */
export function without(...off: StageName[]): Set<StageName> {
  return new Set(STAGE_NAMES.filter((s) => !off.includes(s)));
}

/**
 * Fuzzes `target` with comparison feedback from `seeds` (none: an empty input) until the first
 * finding or `maxRuns`; `extra` adds loop options (a dictionary, the stages).
 */
export async function fuzzUntilFinding(
  target: LoopExecutor,
  seed: number,
  maxRuns: number,
  seeds: Buffer[] = [],
  extra: Partial<LoopOptions> = {},
): Promise<{ end: LoopEnd; crash: Buffer | undefined }> {
  let crash: Buffer | undefined;
  const loop = new FuzzLoop(
    target,
    {
      rng: createRng(seed),
      maxLen: 64,
      dictionary: [],
      mutator: jsMutator(),
      cmpFeedback: true,
      maxTotalTimeMs: 0,
      maxRuns,
      batchTargetMs: 10,
      // A run costs 10 µs of a clock the runs drive: the stages' shares, and so every run, are
      // the same for a seed on any machine.
      now: () => runsOf(target) / 100,
      ...extra,
    },
    {
      onNew: () => undefined,
      onFinding: (input) => {
        crash = input;
        return false;
      },
    },
  );
  const end = await loop.run(seeds);
  return { end, crash };
}

/** Bytes of a FakeFramesTarget frame: a payload of four, then their fakeHash. */
export const FRAME = 8;

/** A frame of FakeFramesTarget with `payload` (four bytes) and the hash that makes it valid. */
export function fakeFrame(payload: number[]): Buffer {
  const f = Buffer.alloc(FRAME);
  Buffer.from(payload).copy(f);
  f.writeUInt32LE(Number(fakeHash(f.subarray(0, 4))), 4);
  return f;
}

/**
 * Frames checked in turn, each by a hash over its payload in the four bytes behind it (the
 * compare has no constant); the first that fails ends the input. Depth 1 + the valid frames (up
 * to twelve); the crash: a valid frame past the fourth whose payload starts with a byte of 0x80
 * or more, then 0x22. No compare guards those bytes, so only havoc reaches them, and only when
 * the frame it changed is fixed up: a corpus of like frames stores one hash in every trailer.
 */
export class FakeFramesTarget extends DepthCmpTarget {
  constructor() {
    super(FRAMES_CRASH);
  }

  protected depth(d: Buffer): number {
    let valid = 0;
    for (let at = 0; at + FRAME <= d.length; at += FRAME) {
      const hash = fakeHash(d.subarray(at, at + 4));
      const stored = BigInt(d.readUInt32LE(at + 4));
      this.record(5, { a: hash, b: stored, size: 4 });
      if (hash !== stored) break;
      if (valid >= 4 && (d[at] ?? 0) >= 0x80 && d[at + 1] === 0x22) return FRAMES_CRASH;
      valid++;
    }
    return 1 + Math.min(valid, 12);
  }
}

/** FakeFramesTarget's crash depth: past its deepest edge. */
const FRAMES_CRASH = 14;
