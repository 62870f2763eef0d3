// Chooses which corpus entry to mutate next: rare coverage, small and fast inputs, fresh entries first.
import { freshMeta, type CorpusEntry, type EntryMeta, type EntryProfile } from './corpusEntry';
import type { Rng } from './rng';

export type { CorpusEntry, EntryProfile } from './corpusEntry';

const NO_FEATURES = new Uint32Array(0);

/** A favored entry weighs this much more than one whose every feature has a cheaper owner. */
const FAVORED_FACTOR = 4;
/** Picks after which an entry's weight has halved (AFL++'s fast schedule lowers energy likewise). */
const FATIGUE_PICKS = 2048;
/** Picks between fatigue updates of the weights (fatigue changes slowly). */
const REFRESH_EVERY = 512;
/**
 * Picks between full recomputations after the corpus changed, plus one per FEATURES_PER_PICK
 * features held: a recomputation is O(total features), so a steady stream of discoveries into a
 * large corpus must not cost more than the fuzzing. Entries added in between weigh as much as
 * the heaviest entry until then.
 */
const FULL_EVERY = 4096;
const FEATURES_PER_PICK = 4;
/** Speed and size factors stay within [1/LIMIT, LIMIT]: a slow entry is rarer, not dead. */
const PERF_LIMIT = 4;

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * The corpus and its sampling weights. An entry's weight grows with the rarity of its edges
 * (sum of 1/freq^2 over the corpus, so the entry holding the only copy of an edge dominates, as
 * AFL++'s rare schedule does; hit-count buckets are left out, or every input that runs a loop
 * once more would hold a "rare" feature), is multiplied when the entry is favored
 * and when it is smaller and faster than the average, and decays as the entry is picked again
 * and again. Pure: the loop profiles entries and passes the results in.
 */
export class Scheduler {
  private readonly entries: CorpusEntry[] = [];
  private readonly freq = new Map<number, number>();
  /** How many entries hold each feature (edge and bucket): an entry's owned ones are at 1. */
  private readonly featureFreq = new Map<number, number>();
  /** Bumped at every change of the features held, so owned() lists can be kept until then. */
  private version = 0;
  private cumulative = new Float64Array(0);
  private total = 0;
  private dirty = true;
  private picksSinceRefresh = 0;
  private picksSinceFull = Infinity;
  private maxBase = 1;
  private totalFeatures = 0;

  get size(): number {
    return this.entries.length;
  }

  all(): readonly CorpusEntry[] {
    return this.entries;
  }

  /** Adds an entry; `foundBy` names the stage whose run found it, `meta` what that stage knew. */
  add(
    input: Buffer,
    profile?: EntryProfile,
    meta: EntryMeta = freshMeta(),
    foundBy = 'seed',
  ): CorpusEntry {
    const e: CorpusEntry = {
      input,
      id: this.entries.length,
      foundBy,
      meta,
      done: new Set(),
      profile: undefined,
      chosen: 0,
      favored: false,
      base: this.maxBase,
      weight: this.maxBase,
    };
    this.entries.push(e);
    if (profile !== undefined) this.setProfile(e, profile);
    this.dirty = true;
    return e;
  }

  setProfile(e: CorpusEntry, profile: EntryProfile): void {
    if (e.profile !== undefined) this.count(e.profile.features, -1);
    this.totalFeatures += profile.features.length - (e.profile?.features.length ?? 0);
    e.profile = profile;
    this.count(profile.features, 1);
    this.dirty = true;
  }

  private count(features: Uint32Array, delta: number): void {
    this.version++;
    for (const f of features) {
      const edge = f >>> 3;
      const n = (this.freq.get(edge) ?? 0) + delta;
      if (n > 0) this.freq.set(edge, n);
      else this.freq.delete(edge);
      const m = (this.featureFreq.get(f) ?? 0) + delta;
      if (m > 0) this.featureFreq.set(f, m);
      else this.featureFreq.delete(f);
    }
  }

  /**
   * The features no other entry holds (libFuzzer's unique features of an input): a shorter
   * input that holds them all can take the entry's place and the corpus loses nothing.
   */
  owned(e: CorpusEntry): Uint32Array {
    if (e.profile === undefined) return NO_FEATURES;
    if (e.owned !== undefined && e.owned.version === this.version) return e.owned.list;
    const out: number[] = [];
    for (const f of e.profile.features) if (this.featureFreq.get(f) === 1) out.push(f);
    const list = Uint32Array.from(out);
    e.owned = { version: this.version, list };
    return list;
  }

  /**
   * Gives `e` a shorter input that holds all it owned (libFuzzer's -reduce_inputs); what the
   * stages knew of the old bytes no longer holds.
   */
  replace(e: CorpusEntry, input: Buffer, profile: EntryProfile): void {
    e.input = input;
    e.meta = freshMeta();
    this.setProfile(e, profile);
  }

  /** A parent for the next mutation, drawn by weight. */
  pick(rng: Rng): CorpusEntry {
    const fullEvery = FULL_EVERY + this.totalFeatures / FEATURES_PER_PICK;
    if (this.dirty && this.picksSinceFull >= fullEvery) this.refresh();
    else if (
      this.picksSinceRefresh >= REFRESH_EVERY ||
      this.cumulative.length !== this.entries.length
    ) {
      this.reweigh();
    }
    this.picksSinceRefresh++;
    this.picksSinceFull++;
    const r = (rng.next() / 0x100000000) * this.total;
    let lo = 0;
    let hi = this.entries.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] ?? 0) > r) hi = mid;
      else lo = mid + 1;
    }
    const e = this.entries[lo];
    if (e === undefined) throw new Error('the scheduler has no entries');
    e.chosen++;
    return e;
  }

  /** Any entry, uniformly: the other half of a crossover need not be a good parent itself. */
  pickUniform(rng: Rng): CorpusEntry {
    const e = this.entries[rng.below(this.entries.length)];
    if (e === undefined) throw new Error('the scheduler has no entries');
    return e;
  }

  /** Recomputes every weight: O(total features), done only after the corpus changed. */
  refresh(): void {
    const n = this.entries.length;
    this.markFavored();
    let sizeSum = 0;
    let timeSum = 0;
    let profiled = 0;
    for (const e of this.entries) {
      sizeSum += e.input.length + 1;
      if (e.profile !== undefined) {
        timeSum += e.profile.execUs;
        profiled++;
      }
    }
    const avgSize = n > 0 ? sizeSum / n : 1;
    const avgTime = profiled > 0 ? timeSum / profiled : 1;
    let maxRarity = 0;
    const rarities = new Float64Array(n);
    for (const [i, e] of this.entries.entries()) {
      if (e.profile === undefined) continue;
      let r = 0;
      for (const f of e.profile.features) {
        const c = this.freq.get(f >>> 3) ?? 1;
        r += 1 / (c * c);
      }
      rarities[i] = r;
      if (r > maxRarity) maxRarity = r;
    }
    for (const [i, e] of this.entries.entries()) {
      // Not profiled yet: as rare as the rarest, it is the newest thing there is.
      const rarity = e.profile === undefined ? Math.max(maxRarity, 1) : (rarities[i] ?? 0);
      const size = clamp(avgSize / (e.input.length + 1), 1 / PERF_LIMIT, PERF_LIMIT);
      const time =
        e.profile === undefined
          ? 1
          : clamp(avgTime / Math.max(e.profile.execUs, 1), 1 / PERF_LIMIT, PERF_LIMIT);
      e.base =
        (rarity + 1e-3) *
        Math.sqrt(size * time) *
        (e.favored || e.profile === undefined ? FAVORED_FACTOR : 1);
    }
    this.maxBase = this.entries.reduce((m, e) => Math.max(m, e.base), 1e-3);
    this.dirty = false;
    this.picksSinceFull = 0;
    this.reweigh();
  }

  /** Applies fatigue to the base weights: O(entries), cheap enough every few hundred picks. */
  private reweigh(): void {
    if (this.cumulative.length !== this.entries.length) {
      this.cumulative = new Float64Array(this.entries.length);
    }
    let acc = 0;
    for (const [i, e] of this.entries.entries()) {
      e.weight = e.base / (1 + e.chosen / FATIGUE_PICKS);
      acc += e.weight;
      this.cumulative[i] = acc;
    }
    this.total = acc;
    this.picksSinceRefresh = 0;
  }

  /** For each edge, its cheapest owner (size x time) is favored. */
  private markFavored(): void {
    const best = new Map<number, CorpusEntry>();
    const cost = (e: CorpusEntry): number => (e.input.length + 1) * (e.profile?.execUs ?? 1);
    for (const e of this.entries) {
      e.favored = false;
      if (e.profile === undefined) continue;
      const c = cost(e);
      for (const f of e.profile.features) {
        const b = best.get(f >>> 3);
        if (b === undefined || c < cost(b)) best.set(f >>> 3, e);
      }
    }
    for (const e of best.values()) e.favored = true;
  }
}

const BUCKET_OF = ((): Uint8Array => {
  const t = new Uint8Array(256);
  for (let c = 1; c < 256; c++) {
    t[c] =
      c === 1
        ? 0
        : c === 2
          ? 1
          : c === 3
            ? 2
            : c < 8
              ? 3
              : c < 16
                ? 4
                : c < 32
                  ? 5
                  : c < 128
                    ? 6
                    : 7;
  }
  return t;
})();

/**
 * The features of one execution's counters (one byte per counter): index * 8 + AFL hit-count
 * bucket. Scans whole 32-bit words, as almost all of a large map is zero.
 */
export function featuresOf(counters: Buffer): Uint32Array {
  const out: number[] = [];
  const aligned = counters.byteOffset % 4 === 0;
  const words = aligned
    ? new Uint32Array(counters.buffer, counters.byteOffset, counters.length >>> 2)
    : undefined;
  const wordBytes = words !== undefined ? words.length * 4 : 0;
  if (words !== undefined) {
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      for (let i = w * 4; i < w * 4 + 4; i++) {
        const c = counters[i] ?? 0;
        if (c !== 0) out.push(i * 8 + (BUCKET_OF[c] ?? 0));
      }
    }
  }
  for (let i = wordBytes; i < counters.length; i++) {
    const c = counters[i] ?? 0;
    if (c !== 0) out.push(i * 8 + (BUCKET_OF[c] ?? 0));
  }
  return Uint32Array.from(out);
}
