// A corpus entry and what the stages learned about it, kept on the entry itself.
import type { CmpPair } from './cmpTable';
import type { I2sSite } from './inputToState';
import type { MemcmpPair } from './memcmpTable';
import type { Insertion, Provenance } from './repeatRecord';

/** What one run of an entry showed: the features it hit and how long it took. */
export interface EntryProfile {
  /** Counter index * 8 + hit-count bucket (0..7), for every counter the entry hit. */
  features: Uint32Array;
  execUs: number;
}

/** The compares one run of an entry made alone, latest first (see stages/ownCompares). */
export interface OwnCompares {
  pairs: CmpPair[];
  strings: MemcmpPair[];
}

/**
 * What a stage that made an input knew about it, handed to the entry it becomes: where a
 * checksum sits, and where the input came from. Stages that come later add their own findings.
 */
export interface EntryMeta {
  /**
   * Places where input-to-state wrote a computed value (a checksum) into this input or its
   * ancestors: every later change breaks it, so the fix-up stage writes it anew (newest last).
   */
  fixes: readonly I2sSite[];
  /** The entry it was made from and the bytes written into it, when a stage knows them. */
  made: Provenance | undefined;
  /** The record it added to the input it came from (records stage), once looked for. */
  record?: Insertion | undefined;
  /** Its own compares, once a stage ran it alone for them. */
  compares?: OwnCompares;
}

export interface CorpusEntry {
  /** Replaced only by a shorter input that holds every feature the entry alone held. */
  input: Buffer;
  /** The order entries were added in; the stages take the newest first. */
  readonly id: number;
  /** The stage whose run found it ('seed' and 'peer' for inputs from outside). */
  readonly foundBy: string;
  profile: EntryProfile | undefined;
  meta: EntryMeta;
  /** Names of the per-entry stages that have run on it. */
  readonly done: Set<string>;
  /** Times the entry was picked as a parent. */
  chosen: number;
  /** Best (smallest size x time) entry for at least one of its edges: AFL's "favored". */
  favored: boolean;
  /** Weight before fatigue: recomputed only when the corpus changes. */
  base: number;
  weight: number;
  /** The scheduler's owned() list as of its version: valid until the corpus changes. */
  owned?: { version: number; list: Uint32Array };
}

/** Metadata of an input nobody knows anything about. */
export function freshMeta(): EntryMeta {
  return { fixes: [], made: undefined };
}
